"""One projection step per event type, each applied once per event id (inbox) in one transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg

from iop_shared.contracts import Contract, ContractError, Envelope
from iop_shared.contracts.inbound import AttendanceRecorded, PatientUpserted, SessionCancelled, SessionUpserted
from iop_shared.contracts.outbound import (
    AssessmentCompleted,
    CheckinIntent,
    CheckinReceived,
    Notification,
    NotificationSuppressed,
    ReasonCode,
    RecipientKind,
    RiskAcknowledged,
    RiskFlagged,
    RiskResolved,
    VisitMissed,
    VisitMissedRetracted,
)
from iop_shared.contracts.reschedule import RescheduleClosed, RescheduleRequested
from iop_shared.db import claim_event

from .. import metrics
from ..adapters import assessments, reschedules
from ..adapters import repository as repo
from ..adapters.db import transaction
from ..domain.model import Outcome
from .context import CONSUMER, Context

Apply = Callable[[asyncpg.Connection, Contract], Awaitable[bool]]
C = TypeVar("C", bound=Contract)


async def handle(ctx: Context, envelope: Envelope[Contract], apply: Apply) -> bool:
    """Apply the event unless already applied; tell live pages when the read model changed."""
    async with transaction(ctx.pool) as conn:
        if not await claim_event(conn, CONSUMER, envelope.id):
            metrics.EVENTS.labels(envelope.type, "duplicate").inc()
            return False
        changed = await apply(conn, envelope.data)
        if changed:
            await repo.notify_changed(conn, ctx.channel)
    metrics.EVENTS.labels(envelope.type, "applied" if changed else "stale").inc()
    return changed


def as_contract(data: Contract, model: type[C]) -> C:
    """The payload as `model`, or a contract error (the event goes to dead letters)."""
    if not isinstance(data, model):
        raise ContractError(f"expected {model.__name__}, got {type(data).__name__}")
    return data


async def patient_upserted(conn: asyncpg.Connection, data: Contract) -> bool:
    """Who the patient is (clinic, care team, preferred name) for scoping; another clinic's upsert is ignored."""
    return await repo.upsert_patient(conn, as_contract(data, PatientUpserted))


async def checkin_received(conn: asyncpg.Connection, data: Contract) -> bool:
    """A reply read as `concern` enters the triage queue; other replies are not the dashboard's."""
    c = as_contract(data, CheckinReceived)
    if c.intent is not CheckinIntent.concern:
        return False
    return await repo.concern_received(conn, c.checkin_id, c.patient_id, c.received_at)


async def assessment_completed(conn: asyncpg.Connection, data: Contract) -> bool:
    """A questionnaire outcome: the patient's score trend and the program's completion rate."""
    return await assessments.completed(conn, as_contract(data, AssessmentCompleted))


async def session_upserted(conn: asyncpg.Connection, data: Contract) -> bool:
    return await repo.upsert_session(conn, as_contract(data, SessionUpserted))


async def session_cancelled(conn: asyncpg.Connection, data: Contract) -> bool:
    return await repo.cancel_session(conn, as_contract(data, SessionCancelled))


async def attendance_recorded(conn: asyncpg.Connection, data: Contract) -> bool:
    return await repo.record_attendance(conn, as_contract(data, AttendanceRecorded))


async def visit_missed(conn: asyncpg.Connection, data: Contract) -> bool:
    return await repo.visit_missed(conn, as_contract(data, VisitMissed))


async def visit_retracted(conn: asyncpg.Connection, data: Contract) -> bool:
    return await repo.visit_retracted(conn, as_contract(data, VisitMissedRetracted))


async def risk_flagged(conn: asyncpg.Connection, data: Contract) -> bool:
    return await repo.flag_raised(conn, as_contract(data, RiskFlagged))


async def risk_acknowledged(conn: asyncpg.Connection, data: Contract) -> bool:
    return await repo.flag_acknowledged(conn, as_contract(data, RiskAcknowledged))


async def risk_resolved(conn: asyncpg.Connection, data: Contract) -> bool:
    return await repo.flag_resolved(conn, as_contract(data, RiskResolved))


def notification(outcome: Outcome) -> Apply:
    """Counts one notification outcome by channel and reason code."""

    async def apply(conn: asyncpg.Connection, data: Contract) -> bool:
        n = as_contract(data, Notification)
        patient = n.recipient_id if n.recipient_kind is RecipientKind.patient else None
        await repo.count_notification(conn, n.occurred_at, outcome, n.channel.value if n.channel else "",
                                      n.reason_code.value if n.reason_code else "", patient)
        if nobody_paged(n):
            await repo.flag_unpaged(conn, n.source_event_id, n.occurred_at)
        return True

    return apply


def nobody_paged(n: Notification) -> bool:
    """The notifier's word that a flag's care team had nobody to page; its source_event_id is the flag id."""
    return (isinstance(n, NotificationSuppressed) and n.recipient_kind is RecipientKind.care_team
            and n.reason_code is ReasonCode.no_recipient)


async def reschedule_requested(conn: asyncpg.Connection, data: Contract) -> bool:
    return await reschedules.requested(conn, as_contract(data, RescheduleRequested))


async def reschedule_closed(conn: asyncpg.Connection, data: Contract) -> bool:
    return await reschedules.closed(conn, as_contract(data, RescheduleClosed))


ROUTES: dict[str, Apply] = {
    "iop.patient.upserted.v1": patient_upserted,
    "iop.checkin.received.v1": checkin_received,
    "iop.assessment.completed.v1": assessment_completed,
    "iop.session.upserted.v1": session_upserted,
    "iop.session.cancelled.v1": session_cancelled,
    "iop.attendance.recorded.v1": attendance_recorded,
    "iop.visit.missed.v1": visit_missed,
    "iop.visit.missed_retracted.v1": visit_retracted,
    "iop.risk.flagged.v1": risk_flagged,
    "iop.risk.acknowledged.v1": risk_acknowledged,
    "iop.risk.resolved.v1": risk_resolved,
    "iop.notification.sent.v1": notification(Outcome.sent),
    "iop.notification.delivered.v1": notification(Outcome.delivered),
    "iop.notification.failed.v1": notification(Outcome.failed),
    "iop.notification.suppressed.v1": notification(Outcome.suppressed),
    "iop.reschedule.requested.v1": reschedule_requested,
    "iop.reschedule.closed.v1": reschedule_closed,
}
"""Every event type the dashboard projects, by ce_type."""
