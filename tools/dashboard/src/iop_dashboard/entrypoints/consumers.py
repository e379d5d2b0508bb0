"""Kafka subscriptions of the dashboard, through the shared guarded consumer (dead letters, retries)."""

from __future__ import annotations

from faststream.kafka import KafkaBroker

from iop_shared.consumer import DeadLetterPublisher, Handler, subscribe_events
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

from ..handlers import events
from ..handlers.context import Context

TOPICS = (PATIENTS, SESSIONS, ATTENDANCE, VISITS, RISK, NOTIFICATIONS, CHECKINS, RESCHEDULES)


def _bind(ctx: Context, apply: events.Apply) -> Handler:
    async def handler(envelope: Envelope[Contract]) -> None:
        await events.handle(ctx, envelope, apply)
    return handler


def subscribe(broker: KafkaBroker, ctx: Context, group_id: str, dead_letters: DeadLetterPublisher) -> None:
    """One subscriber per topic, each dispatching the event types of that topic the dashboard projects."""
    for topic in TOPICS:
        handlers = {ce_type: _bind(ctx, apply) for ce_type, apply in events.ROUTES.items()
                    if BY_CE_TYPE[ce_type].topic == topic}
        subscribe_events(broker, topic=topic, group_id=group_id, handlers=handlers, dead_letters=dead_letters)
