"""A consumed Kafka record without a broker, for unit tests of what handles one (dead-lettering, sealing)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FakeRecord:
    """The fields of aiokafka's ConsumerRecord that the consumer and the dead-letter publisher read."""

    value: bytes
    topic: str = "iop.sessions.v1"
    partition: int = 0
    offset: int = 7
    key: bytes = b"s-1"
    headers: list[tuple[str, bytes]] = field(default_factory=list)
