"""FastStream subscriptions: every consumed topic through iop_shared's guarded subscribe_events."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from faststream.kafka import KafkaBroker

from iop_notifier.handlers import alerts, dropped, ingest, offers
from iop_notifier.handlers.deps import Deps
from iop_shared.consumer import BatchHandler, DeadLetterPublisher, subscribe_events
from iop_shared.contracts import topics as t
from iop_shared.contracts.cloudevents import Envelope
from iop_shared.contracts.common import Contract

UseCase = Callable[[Deps, Any], Awaitable[None]]
BatchUseCase = Callable[[Deps, Sequence[Any]], Awaitable[None]]
ROUTES: dict[t.Topic, dict[str, UseCase]] = {
    t.CLINICS: {"iop.clinic.upserted.v1": ingest.on_clinic},
    t.PATIENTS: {"iop.patient.upserted.v1": ingest.on_patient},
    t.CARE_TEAMS: {"iop.care_team.upserted.v1": ingest.on_care_team},
    t.SESSIONS: {"iop.session.upserted.v1": ingest.on_session,
                 "iop.session.cancelled.v1": ingest.on_session_cancelled},
    t.REMINDERS: {"iop.reminder.due.v1": ingest.on_reminder,
                  "iop.reminder.dropped.v1": dropped.on_reminder_dropped},
    t.VISITS: {"iop.visit.missed.v1": ingest.on_visit_missed,
               "iop.visit.missed_retracted.v1": ingest.on_visit_retracted},
    t.RISK: {"iop.risk.flagged.v1": alerts.on_risk_flagged,
             "iop.risk.acknowledged.v1": alerts.on_risk_acknowledged,
             "iop.risk.resolved.v1": alerts.on_risk_resolved},
    t.RESCHEDULES: {"iop.reschedule.offered.v1": offers.on_offered,
                    "iop.waitlist.offered.v1": offers.on_waitlist_offered,
                    "iop.reschedule.requested.v1": offers.on_requested,
                    "iop.reschedule.closed.v1": offers.on_closed},
}
# A partition's consecutive events of these types go to one call (one transaction): the bulk of the traffic.
BATCH_ROUTES: dict[t.Topic, dict[str, BatchUseCase]] = {
    t.REMINDERS: {"iop.reminder.due.v1": ingest.on_reminders},
}


def _bind(deps: Deps, use_case: UseCase) -> Callable[[Envelope[Contract]], Awaitable[None]]:
    async def handler(envelope: Envelope[Contract]) -> None:
        await use_case(deps, envelope)

    return handler


def _bind_batch(deps: Deps, use_case: BatchUseCase) -> BatchHandler:
    async def handler(envelopes: Sequence[Envelope[Contract]]) -> None:
        await use_case(deps, envelopes)

    return handler


def subscribe_all(broker: KafkaBroker, deps: Deps, dead_letters: DeadLetterPublisher, group_id: str) -> None:
    """One consumer group per topic (`<group_id>.<topic>`): a rebalance on one topic never stalls the others,
    and seven consumers joining one group one after another no longer rebalance it seven times."""
    for topic, routes in ROUTES.items():
        subscribe_events(broker, topic=topic, group_id=f"{group_id}.{topic.base_name}", dead_letters=dead_letters,
                         handlers={ce_type: _bind(deps, uc) for ce_type, uc in routes.items()},
                         batch_handlers={ce_type: _bind_batch(deps, uc)
                                         for ce_type, uc in BATCH_ROUTES.get(topic, {}).items()})
