"""Kafka subscriptions of the dashboard, through the shared guarded consumer (dead letters, retries)."""

from __future__ import annotations

from collections.abc import Sequence

from faststream.kafka import KafkaBroker

from iop_shared.consumer import BatchHandler, DeadLetterPublisher, subscribe_events
from iop_shared.contracts import BY_CE_TYPE, Contract, Envelope
from iop_shared.contracts.topics import (
    ATTENDANCE,
    CHECKINS,
    NOTIFICATIONS,
    PATIENTS,
    RESCHEDULES,
    RISK,
    SESSIONS,
    VISITS,
)

from ..handlers import batches, events
from ..handlers.context import Context

TOPICS = (PATIENTS, SESSIONS, ATTENDANCE, VISITS, RISK, NOTIFICATIONS, CHECKINS, RESCHEDULES)


def _bind(ctx: Context) -> BatchHandler:
    async def handler(envelopes: Sequence[Envelope[Contract]]) -> None:
        await batches.handle_batch(ctx, envelopes)
    return handler


def subscribe(broker: KafkaBroker, ctx: Context, group_id: str, dead_letters: DeadLetterPublisher,
              batch_size: int = 2000) -> None:
    """One subscriber per topic, each in its own consumer group (`<group_id>.<topic>`, as every service does:
    subscribers sharing one group rebalance it each time one joins, which held start-up for about 20 s);
    a partition's consecutive events of the projected types are one transaction.

    The same handler serves every type of a topic, so the guard hands it the partition's whole run at once.
    """
    for topic in TOPICS:
        handler = _bind(ctx)
        types = [ce_type for ce_type in events.ROUTES if BY_CE_TYPE[ce_type].topic == topic]
        subscribe_events(broker, topic=topic, group_id=f"{group_id}.{topic.base_name}", handlers={},
                         dead_letters=dead_letters, batch_handlers=dict.fromkeys(types, handler),
                         max_records=batch_size)
