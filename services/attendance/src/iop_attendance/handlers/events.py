"""One short handler per inbound event: dedupe by event id, apply by revision, settle visits, evaluate risk."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg

from iop_shared import outbox
from iop_shared.contracts import Contract, Envelope
from iop_shared.contracts.inbound import AttendanceRecorded, PatientUpserted, SessionCancelled, SessionUpserted
from iop_shared.contracts.outbound import CheckinIntent, CheckinReceived, ReminderDue, ReminderPurpose
from iop_shared.db import claim_event

from .. import metrics
from ..adapters import repository as repo
from ..adapters.db import transaction
from .context import Context
from .risk import evaluate_patient
from .visits import settle

Apply = Callable[[asyncpg.Connection, Context, Envelope[Contract]], Awaitable[list[Envelope[Contract]]]]
SCORED = frozenset({CheckinIntent.mood, CheckinIntent.craving, CheckinIntent.crisis})


async def handle(ctx: Context, envelope: Envelope[Contract], apply: Apply) -> None:
    """Run `apply` once per event id, in one transaction with the events it causes."""
    async with transaction(ctx.pool) as conn:
        if not await claim_event(conn, ctx.consumer, envelope.id):
            metrics.EVENTS_DUPLICATE.labels(envelope.type).inc()
            return
        await outbox.add(conn, await apply(conn, ctx, envelope))
    metrics.EVENTS_APPLIED.labels(envelope.type).inc()


async def _after_visits(conn: asyncpg.Connection, ctx: Context, session_id: str) -> list[Envelope[Contract]]:
    out, changed = await settle(conn, ctx, await repo.visits_of_session(conn, session_id))
    for pid in sorted(changed):
        out += await evaluate_patient(conn, ctx, pid)
    return out


async def session_upserted(conn: asyncpg.Connection, ctx: Context, env: Envelope[Contract]) -> list[
        Envelope[Contract]]:
    s = env.data
    assert isinstance(s, SessionUpserted)
    not_before = ctx.clock.now() + ctx.late_session_settle
    if not await repo.upsert_session(conn, s, ctx.grace, not_before):
        return []
    return await _after_visits(conn, ctx, s.session_id)


async def session_cancelled(conn: asyncpg.Connection, ctx: Context, env: Envelope[Contract]) -> list[
        Envelope[Contract]]:
    c = env.data
    assert isinstance(c, SessionCancelled)
    if not await repo.cancel_session(conn, c.session_id, c.revision):
        return []
    return await _after_visits(conn, ctx, c.session_id)


async def attendance_recorded(conn: asyncpg.Connection, ctx: Context, env: Envelope[Contract]) -> list[
        Envelope[Contract]]:
    a = env.data
    assert isinstance(a, AttendanceRecorded)
    visit = await repo.record_attendance(conn, env.id, a, ctx.grace)  # also takes the patient's risk lock
    out, _ = await settle(conn, ctx, [visit] if visit else [])
    # Attended hours change with any record, so the patient is evaluated even when no miss moved.
    return out + await evaluate_patient(conn, ctx, a.patient_id, locked=True)


async def checkin_received(conn: asyncpg.Connection, ctx: Context, env: Envelope[Contract]) -> list[
        Envelope[Contract]]:
    c = env.data
    assert isinstance(c, CheckinReceived)
    if not await repo.add_checkin(conn, env.id, c):
        return []
    if c.intent in SCORED or c.prompt_reminder_id is not None or c.intent is CheckinIntent.other:
        return await evaluate_patient(conn, ctx, c.patient_id)
    return []


async def reminder_due(conn: asyncpg.Connection, ctx: Context, env: Envelope[Contract]) -> list[
        Envelope[Contract]]:
    r = env.data
    assert isinstance(r, ReminderDue)
    if r.purpose is not ReminderPurpose.checkin_prompt:
        return []
    if not await repo.add_prompt(conn, r.reminder_id, r.patient_id, r.due_at):
        return []
    return await evaluate_patient(conn, ctx, r.patient_id)


async def patient_upserted(conn: asyncpg.Connection, ctx: Context, env: Envelope[Contract]) -> list[
        Envelope[Contract]]:
    p = env.data
    assert isinstance(p, PatientUpserted)
    await repo.upsert_patient(conn, p)
    return []
