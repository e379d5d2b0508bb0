"""W3C trace context across HTTP, the outbox, Kafka and the providers (OpenTelemetry).

The outbox relay publishes long after the request that wrote a row, so the context travels explicitly: the
writer stores `traceparent`/`tracestate` on the row, the relay sends them as Kafka headers (the names of the
CloudEvents distributed-tracing extension) and consumers continue from them. Span attributes carry ids only.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

__all__ = ["TRACE_HEADERS", "configure_tracing", "context_from", "current_carrier", "span", "trace_headers"]

TRACE_HEADERS = ("traceparent", "tracestate")
TRACE_FILE_ENV = "IOP_TRACE_FILE"
_propagator = TraceContextTextMapPropagator()
_tracer = trace.get_tracer("iop")
_extras: set[int] = set()


class JsonLinesExporter(SpanExporter):
    """Appends finished spans to a file, one JSON object a line (local runs and the end-to-end test)."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._lock = threading.Lock()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        lines = [json.dumps(_as_dict(s)) + "\n" for s in spans]
        with self._lock, open(self._path, "a", encoding="utf-8") as out:
            out.writelines(lines)
        return SpanExportResult.SUCCESS


def _as_dict(s: ReadableSpan) -> dict[str, Any]:
    ctx, parent = s.get_span_context(), s.parent
    return {"name": s.name, "service": s.resource.attributes.get("service.name"),
            "trace_id": f"{ctx.trace_id:032x}" if ctx else None, "span_id": f"{ctx.span_id:016x}" if ctx else None,
            "parent_id": f"{parent.span_id:016x}" if parent else None, "kind": s.kind.name,
            "attributes": dict(s.attributes or {})}


def configure_tracing(service_name: str, *, extra: SpanExporter | None = None) -> TracerProvider | None:
    """Install the SDK tracer provider once per process; export over OTLP only when an endpoint is configured."""
    if os.environ.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return None
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        provider = current
    else:
        name = os.environ.get("OTEL_SERVICE_NAME") or service_name
        provider = TracerProvider(resource=Resource.create({"service.name": name}))
        if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        if path := os.environ.get(TRACE_FILE_ENV):  # one file per service: processes never interleave lines
            provider.add_span_processor(SimpleSpanProcessor(JsonLinesExporter(path.replace("{service}", service_name))))
        trace.set_tracer_provider(provider)
    if extra is not None and id(extra) not in _extras:  # a test's exporter, added once however often called
        _extras.add(id(extra))
        provider.add_span_processor(SimpleSpanProcessor(extra))
    return provider


def exporting() -> bool:
    """True when spans leave the process (worth instrumenting every query)."""
    return bool(os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
                or os.environ.get(TRACE_FILE_ENV))


def current_carrier() -> dict[str, str]:
    """The current context as W3C headers (empty when there is no valid span)."""
    carrier: dict[str, str] = {}
    _propagator.inject(carrier)
    return carrier


def context_from(headers: Mapping[str, str | bytes] | Sequence[tuple[str, bytes]] | None) -> otel_context.Context:
    """The context W3C headers carry (a new root when they carry none or a malformed one)."""
    items = headers.items() if isinstance(headers, Mapping) else (headers or [])
    carrier = {k: v.decode() if isinstance(v, bytes) else v for k, v in items if k in TRACE_HEADERS and v}
    return _propagator.extract(carrier)


def trace_headers(traceparent: str | None, tracestate: str | None = None) -> list[tuple[str, bytes]]:
    """Kafka headers for a stored context; nothing when none was stored."""
    if not traceparent:
        return []
    return [("traceparent", traceparent.encode()), *([("tracestate", tracestate.encode())] if tracestate else [])]


@contextmanager
def span(name: str, *, parent: otel_context.Context | None = None, kind: trace.SpanKind = trace.SpanKind.INTERNAL,
         attributes: Mapping[str, str | int | bool] | None = None) -> Iterator[trace.Span]:
    """A span (ids only in `attributes`), a child of `parent` when given, else of the current span."""
    with _tracer.start_as_current_span(name, context=parent, kind=kind, attributes=attributes) as current:
        yield current


def instrument_app(app: Any) -> None:
    """The official FastAPI instrumentation (server spans; health and metrics routes left out)."""
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz,metrics",
                                       server_request_hook=_path_only)


def _path_only(span: trace.Span, scope: dict[str, Any]) -> None:
    # A query string may carry what a caller typed; the span keeps the path (ids) only.
    if span.is_recording() and scope.get("query_string"):
        for key in ("http.target", "url.query", "http.url", "url.full"):
            span.set_attribute(key, str(scope.get("path", "")) if key != "url.query" else "")


def instrument_asyncpg() -> None:
    """The official asyncpg instrumentation (statements, never parameters), only when spans are exported."""
    if not exporting():
        return
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor

    instrumentor = AsyncPGInstrumentor()  # type: ignore[no-untyped-call]
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument()
