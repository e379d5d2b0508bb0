"""Everything the services published on the run's topics, read from the start (no consumer group), as raw JSON."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError

from iop_shared.contracts.topics import DEADLETTER, NOTIFICATIONS, REMINDERS
from iop_shared.kafka import load_metadata

TERMINAL = {"iop.notification.sent.v1", "iop.notification.failed.v1", "iop.notification.suppressed.v1"}


@dataclass
class Ledger:
    """Reminders, notifications and dead letters; `poll` reads what arrived since the last call."""

    bootstrap: str
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (ce_type, data)
    _consumer: AIOKafkaConsumer | None = None

    async def start(self) -> None:
        self._consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, group_id=None,
                                          enable_auto_commit=False, auto_offset_reset="earliest")
        await self._consumer.start()
        await load_metadata(self._consumer)
        names = (REMINDERS.name, NOTIFICATIONS.name, DEADLETTER.name)
        self._consumer.assign([TopicPartition(t, p) for t in names
                               for p in self._consumer.partitions_for_topic(t) or ()])

    async def poll(self) -> None:
        assert self._consumer is not None
        while True:
            try:
                batch = await self._consumer.getmany(timeout_ms=300, max_records=5000)
            except KafkaError:  # the broker is restarting: read on next time
                return
            if not batch:
                return
            for records in batch.values():
                for r in records:
                    ce_type = dict(r.headers or []).get("ce_type", b"").decode()
                    self.events.append((ce_type, json.loads(r.value) if r.value else {}))

    async def stop(self) -> None:
        if self._consumer is not None:
            await self._consumer.stop()

    def of(self, *types: str) -> list[dict[str, Any]]:
        return [data for t, data in self.events if t in types]

    def outcomes(self) -> dict[str, list[tuple[str, dict[str, Any]]]]:
        """patient_id -> its reminders' terminal events (sent, failed, suppressed, dropped by the scheduler)."""
        found: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        for t, data in self.events:
            if t in TERMINAL and data.get("recipient_kind") == "patient":
                found[data["recipient_id"]].append((t, data))
            elif t == "iop.reminder.dropped.v1":
                found[data["patient_id"]].append((t, data))
        return found
