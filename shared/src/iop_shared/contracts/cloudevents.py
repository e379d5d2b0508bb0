"""CloudEvents 1.0 in Kafka binary mode: attributes in `ce_*` headers, data as the JSON value."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Generic, TypeVar

from pydantic import ValidationError

from .common import Contract
from .topics import BY_CE_TYPE, EventType, event_type_of

T = TypeVar("T", bound=Contract, covariant=True)
SPECVERSION = "1.0"
CONTENT_TYPE = "application/json"
REQUIRED_HEADERS = ("ce_specversion", "ce_id", "ce_type", "ce_source", "ce_time")


class ContractError(ValueError):
    """A message that does not meet the wire contract; it can never succeed and goes to dead letters."""


@dataclass(frozen=True)
class Envelope(Generic[T]):
    """One event: CloudEvents attributes plus its typed data."""

    data: T
    source: str
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    time: datetime = field(default_factory=lambda: datetime.now(UTC))
    traceparent: str | None = None

    @property
    def event_type(self) -> EventType:
        return event_type_of(type(self.data))

    @property
    def type(self) -> str:
        return self.event_type.ce_type

    @property
    def topic(self) -> str:
        return self.event_type.topic.name

    @property
    def key(self) -> str:
        return str(getattr(self.data, self.event_type.topic.key_field))


@dataclass(frozen=True)
class KafkaRecord:
    """What goes on the wire for an envelope."""

    topic: str
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


def encode(envelope: Envelope[Contract]) -> KafkaRecord:
    """Encode an envelope for Kafka, keyed by its topic's entity id."""
    headers = {
        "ce_specversion": SPECVERSION,
        "ce_id": envelope.id,
        "ce_type": envelope.type,
        "ce_source": envelope.source,
        "ce_time": envelope.time.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "content-type": CONTENT_TYPE,
    }
    if envelope.traceparent:
        headers["traceparent"] = envelope.traceparent
    return KafkaRecord(
        topic=envelope.topic,
        key=envelope.key.encode(),
        value=envelope.data.model_dump_json(exclude_none=True).encode(),
        headers=[(k, v.encode()) for k, v in headers.items()],
    )


def headers_to_dict(headers: Iterable[tuple[str, bytes | str]] | Mapping[str, bytes | str]) -> dict[str, str]:
    """Kafka headers as text; undecodable bytes are replaced, never fatal."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {k: v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for k, v in items}


def decode(headers: Mapping[str, str], value: bytes | None) -> Envelope[Contract]:
    """Decode and validate a Kafka record into an envelope; raise ContractError naming what is wrong."""
    missing = [h for h in REQUIRED_HEADERS if not headers.get(h)]
    if missing:
        raise ContractError(f"missing CloudEvents headers: {', '.join(missing)}")
    if headers["ce_specversion"] != SPECVERSION:
        raise ContractError(f"unsupported ce_specversion {headers['ce_specversion']!r}")
    event_type = BY_CE_TYPE.get(headers["ce_type"])
    if event_type is None:
        raise ContractError(f"unknown ce_type {headers['ce_type']!r}")
    try:
        time = datetime.fromisoformat(headers["ce_time"].replace("Z", "+00:00"))
    except ValueError as exc:
        raise ContractError("ce_time is not RFC 3339") from exc
    if time.tzinfo is None:
        raise ContractError("ce_time has no offset")
    if value is None:
        raise ContractError("empty value")
    try:
        payload = json.loads(value)
    except (ValueError, RecursionError) as exc:
        # ValueError covers bad UTF-8, bad JSON and integers past Python's digit limit; RecursionError a
        # value nested too deep to parse. None of them can ever decode, so none may stall a partition.
        raise ContractError(f"value is not JSON: {exc.__class__.__name__}") from exc
    if not isinstance(payload, dict):
        raise ContractError(f"value is not a JSON object: {type(payload).__name__}")
    try:
        data = event_type.model.model_validate(payload)
    except ValidationError as exc:
        raise ContractError(f"invalid {event_type.ce_type}: {describe(exc)}") from exc
    except (ValueError, RecursionError) as exc:
        raise ContractError(f"invalid {event_type.ce_type}: {exc.__class__.__name__}") from exc
    return Envelope(data=data, source=headers["ce_source"], id=headers["ce_id"],
                    time=time.astimezone(UTC), traceparent=headers.get("traceparent"))


def describe(exc: ValidationError) -> str:
    """Field paths and messages of a validation error, never the offending values (they may be personal)."""
    parts = []
    for err in exc.errors(include_input=False, include_url=False):
        loc = ".".join(str(p) for p in err["loc"]) or "(root)"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)
