"""The v1 wire contract: event models, topics and CloudEvents encoding."""

from .cloudevents import ContractError, Envelope, KafkaRecord, decode, encode, headers_to_dict
from .common import Contract
from .tenancy import TenantMismatch, clinic_source, publisher_of
from .topics import BY_CE_TYPE, EVENT_TYPES, TOPICS, EventType, Topic, event_type_of

__all__ = [
    "BY_CE_TYPE",
    "EVENT_TYPES",
    "TOPICS",
    "Contract",
    "ContractError",
    "Envelope",
    "EventType",
    "KafkaRecord",
    "TenantMismatch",
    "Topic",
    "clinic_source",
    "decode",
    "encode",
    "event_type_of",
    "headers_to_dict",
    "publisher_of",
]
