"""The provider call's span: in the request row's trace, ids only (never the address, the name or the text)."""

from __future__ import annotations

import json

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from iop_notifier.adapters.providers import Outgoing, provider_span
from iop_notifier.domain.messages import Rendered
from iop_shared.tracing import configure_tracing, context_from, trace_headers

pytestmark = pytest.mark.unit
TRACE = "0af7651916cd43dd8448eb211c80319c"
PARENT = f"00-{TRACE}-b7ad6b7169203331-01"
EXPORTER = InMemorySpanExporter()


def _outgoing(traceparent: str | None) -> Outgoing:
    text = Rendered(sms="Maya, group is tomorrow at 10:00", subject="Reminder", text="Maya, group", html="<p>Maya</p>")
    return Outgoing("ntf-1", "patient", "pt-1", "sms", "+15557654321", text, traceparent=traceparent)


def test_the_provider_span_continues_the_request_trace_with_ids_only() -> None:
    configure_tracing("iop-notifier-test", extra=EXPORTER)
    EXPORTER.clear()
    with provider_span("twilio", _outgoing(PARENT)):
        pass
    [span] = EXPORTER.get_finished_spans()
    assert f"{span.context.trace_id:032x}" == TRACE
    assert span.parent is not None and f"{span.parent.span_id:016x}" == "b7ad6b7169203331"
    assert dict(span.attributes or {}) == {"notification.id": "ntf-1", "notification.channel": "sms",
                                          "recipient.kind": "patient", "recipient.id": "pt-1", "provider": "twilio"}
    written = json.dumps(dict(span.attributes or {}))
    assert "+1555" not in written and "Maya" not in written and "group" not in written


def test_a_request_without_a_trace_gets_a_trace_of_its_own() -> None:
    configure_tracing("iop-notifier-test", extra=EXPORTER)
    EXPORTER.clear()
    with provider_span("smtp", _outgoing(None)):
        pass
    [span] = EXPORTER.get_finished_spans()
    assert span.parent is None and span.context.trace_id != 0


@pytest.mark.parametrize("header", ["", "garbage", "00-" + "0" * 32 + "-b7ad6b7169203331-01", "ff-x-y-z"])
def test_a_malformed_traceparent_starts_a_new_trace(header: str) -> None:
    from opentelemetry.trace import get_current_span

    assert not get_current_span(context_from({"traceparent": header})).get_span_context().is_valid


def test_trace_headers_are_the_cloudevents_extension_names() -> None:
    assert trace_headers(PARENT, "k=v") == [("traceparent", PARENT.encode()), ("tracestate", b"k=v")]
    assert trace_headers(PARENT) == [("traceparent", PARENT.encode())]
    assert trace_headers(None, "k=v") == []
