"""Kafka subscriptions of the attendance service, through the shared guarded consumer."""

from __future__ import annotations

from collections.abc import Sequence

from faststream.kafka import KafkaBroker

from iop_shared.consumer import BatchHandler, DeadLetterPublisher, subscribe_events
from iop_shared.contracts import Contract, Envelope
from iop_shared.contracts.topics import ATTENDANCE, CHECKINS, PATIENTS, REMINDERS, RISK, SESSIONS

from ..handlers import acks, events
from ..handlers.context import Context


def _bind(ctx: Context, apply: events.Apply) -> BatchHandler:
    async def handler(envelopes: Sequence[Envelope[Contract]]) -> None:
        await events.handle(ctx, envelopes, apply)
    return handler


TOPICS = (SESSIONS, ATTENDANCE, CHECKINS, REMINDERS, PATIENTS, RISK)


def groups(group_id: str) -> dict[str, str]:
    """The consumer group of each subscribed topic, by topic name: what start-up waits on."""
    return {topic.name: f"{group_id}.{topic.base_name}" for topic in TOPICS}


def subscribe(broker: KafkaBroker, ctx: Context, group_id: str, dead_letters: DeadLetterPublisher,
              batch_size: int) -> None:
    """Sessions, attendance, check-ins, check-in prompts, patients and other services' flag acknowledgements,
    applied idempotently, in runs per partition.

    A batch of up to `batch_size` records is one offset commit; each partition's run of it is one transaction.
    Each topic gets its own consumer group (`<group_id>.<topic>`): one group across six subscribers
    rebalances all of them whenever one joins, which stalls start-up for seconds per subscriber.
    """
    routes = {
        SESSIONS: {"iop.session.upserted.v1": events.sessions_changed,
                   "iop.session.cancelled.v1": events.sessions_changed},
        ATTENDANCE: {"iop.attendance.recorded.v1": events.attendance_recorded},
        CHECKINS: {"iop.checkin.received.v1": events.checkin_received,
                   "iop.assessment.completed.v1": events.assessment_completed},
        REMINDERS: {"iop.reminder.due.v1": events.reminder_due},
        PATIENTS: {"iop.patient.upserted.v1": events.patient_upserted},
        RISK: {"iop.risk.acknowledged.v1": acks.risk_acknowledged},
    }
    bound = {apply: _bind(ctx, apply) for handlers in routes.values() for apply in handlers.values()}
    for topic, handlers in routes.items():
        subscribe_events(broker, topic=topic, group_id=groups(group_id)[topic.name], dead_letters=dead_letters,
                         handlers={}, max_records=batch_size,
                         batch_handlers={ce_type: bound[apply] for ce_type, apply in handlers.items()})
