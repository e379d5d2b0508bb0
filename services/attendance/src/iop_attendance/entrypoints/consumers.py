"""Kafka subscriptions of the attendance service, through the shared guarded consumer."""

from __future__ import annotations

from faststream.kafka import KafkaBroker

from iop_shared.contracts import Contract, Envelope
from iop_shared.contracts.topics import ATTENDANCE, CHECKINS, PATIENTS, REMINDERS, SESSIONS
from iop_shared.kafka import DeadLetterPublisher, Handler, subscribe_events

from ..handlers import events
from ..handlers.context import Context


def _bind(ctx: Context, apply: events.Apply) -> Handler:
    async def handler(envelope: Envelope[Contract]) -> None:
        await events.handle(ctx, envelope, apply)
    return handler


def subscribe(broker: KafkaBroker, ctx: Context, group_id: str, dead_letters: DeadLetterPublisher) -> None:
    """Sessions, attendance, check-ins, check-in prompts and patients, each applied idempotently.

    Each topic gets its own consumer group (`<group_id>.<topic>`): one group across five subscribers
    rebalances all of them whenever one joins, which stalls start-up for seconds per subscriber.
    """
    routes = {
        SESSIONS: {"iop.session.upserted.v1": events.session_upserted,
                   "iop.session.cancelled.v1": events.session_cancelled},
        ATTENDANCE: {"iop.attendance.recorded.v1": events.attendance_recorded},
        CHECKINS: {"iop.checkin.received.v1": events.checkin_received},
        REMINDERS: {"iop.reminder.due.v1": events.reminder_due},
        PATIENTS: {"iop.patient.upserted.v1": events.patient_upserted},
    }
    for topic, handlers in routes.items():
        subscribe_events(broker, topic=topic, group_id=f"{group_id}.{topic.base_name}", dead_letters=dead_letters,
                         handlers={ce_type: _bind(ctx, apply) for ce_type, apply in handlers.items()})
