"""AsyncAPI 3.0 documents of a service's Kafka side: FastStream's, with the wire contract's payloads filled in.

FastStream sees our consumers as raw-message handlers (decoding happens in the dead-letter guard), and our
producers as the outbox relay, so it cannot know the payloads; the registry does. This adds, per channel, the
CloudEvents headers and a oneOf of the event schemas, and a send operation for every event the service publishes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI

from .contracts import BY_CE_TYPE, EventType

_SUBSCRIBED: dict[tuple[int, str], list[str]] = {}
HEADERS_SCHEMA = {
    "type": "object",
    "required": ["ce_specversion", "ce_id", "ce_type", "ce_source", "ce_time", "content-type"],
    "properties": {
        "ce_specversion": {"const": "1.0"}, "ce_id": {"type": "string"}, "ce_type": {"type": "string"},
        "ce_source": {"type": "string"}, "ce_time": {"type": "string", "format": "date-time"},
        "content-type": {"const": "application/json"}, "traceparent": {"type": "string"},
    },
}


def record_subscription(broker: KafkaBroker, topic: str, ce_types: Sequence[str]) -> None:
    """Remember which event types a consumer of `topic` handles, for its document."""
    _SUBSCRIBED[(id(broker), topic)] = sorted(ce_types)


def document(broker: KafkaBroker, *, title: str, version: str, description: str,
             publishes: Sequence[str], server: str = "kafka:9092") -> dict[str, Any]:
    """The AsyncAPI 3.0 document of a service: what it consumes and what it publishes, with payload schemas."""
    spec: dict[str, Any] = AsyncAPI(broker, title=title, version=version,
                                    description=description).to_specification().to_jsonable()
    for entry in spec.get("servers", {}).values():
        entry["host"] = server  # the document describes the contract, not the machine it was generated on
    components = spec.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    messages = components.setdefault("messages", {})
    schemas.pop("EmptyPayload", None)
    for name, channel in spec.get("channels", {}).items():
        ce_types = _SUBSCRIBED.get((id(broker), channel["address"]), [])
        for ref in channel.get("messages", {}).values():
            message = messages[ref["$ref"].rsplit("/", 1)[1]]
            message["payload"] = _one_of([BY_CE_TYPE[t] for t in ce_types], schemas)
            message["headers"] = HEADERS_SCHEMA
            message["description"] = f"{name} consumes " + ", ".join(ce_types)
    for ce_type in publishes:
        _add_publication(spec, BY_CE_TYPE[ce_type], schemas, messages)
    return spec


def _one_of(events: list[EventType], schemas: dict[str, Any]) -> dict[str, Any]:
    refs = [_schema_ref(e, schemas) for e in events]
    return refs[0] if len(refs) == 1 else {"oneOf": refs}


def _schema_ref(event: EventType, schemas: dict[str, Any]) -> dict[str, str]:
    schema = event.model.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(schema.pop("$defs", {}))
    schemas[event.ce_type] = schema
    return {"$ref": f"#/components/schemas/{event.ce_type}"}


def _add_publication(spec: dict[str, Any], event: EventType, schemas: dict[str, Any],
                     messages: dict[str, Any]) -> None:
    channel_name = f"publish:{event.topic.base_name}"
    channel = spec["channels"].setdefault(channel_name, {
        "address": event.topic.name, "messages": {},
        "bindings": {"kafka": {"topic": event.topic.name, "partitions": event.topic.partitions,
                               "bindingVersion": "0.4.0"}}})
    message_name = event.ce_type
    messages[message_name] = {"name": event.ce_type, "title": event.ce_type, "headers": HEADERS_SCHEMA,
                              "payload": _schema_ref(event, schemas), "contentType": "application/json",
                              "bindings": {"kafka": {"key": {"type": "string",
                                                             "description": event.topic.key_field}}}}
    channel["messages"][message_name] = {"$ref": f"#/components/messages/{message_name}"}
    operation = spec.setdefault("operations", {}).setdefault(channel_name, {
        "action": "send", "channel": {"$ref": f"#/channels/{channel_name}"}, "messages": []})
    operation["messages"].append({"$ref": f"#/channels/{channel_name}/messages/{message_name}"})
