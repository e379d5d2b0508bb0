"""One short handler per inbound event type, each taking a partition's run of events in one transaction.

Every run is deduplicated by event id, applied by revision, its visits settled, and each patient it touched
evaluated once, after all of the run's events are in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TypeVar

import asyncpg

from iop_shared import outbox
from iop_shared.contracts import Contract, ContractError, Envelope
from iop_shared.contracts.inbound import AttendanceRecorded, PatientUpserted, SessionCancelled, SessionUpserted
from iop_shared.contracts.outbound import (
    AssessmentCompleted,
    CheckinIntent,
    CheckinReceived,
    ReminderDue,
    ReminderPurpose,
)
from iop_shared.db import claim_events

from .. import metrics
from ..adapters import assessments
from ..adapters import repository as repo
from ..adapters.db import transaction
from .context import Context
from .risk import evaluate_patients
from .tenancy import check_patients, check_records, check_sessions
from .visits import settle

Apply = Callable[[asyncpg.Connection, Context, list[Envelope[Contract]]], Awaitable[list[Envelope[Contract]]]]
T = TypeVar("T")
SCORED = frozenset({CheckinIntent.mood, CheckinIntent.craving, CheckinIntent.crisis})
UNSCORED_ANSWERS = frozenset({CheckinIntent.other, CheckinIntent.concern})


async def handle(ctx: Context, envelopes: Sequence[Envelope[Contract]], apply: Apply) -> None:
    """Run `apply` once per event id, in one transaction with the events it causes."""
    # The timer hears of new due times only once they are committed: woken earlier, its sweep could run before
    # the commit, find nothing, and leave the visit to the interval sweep (minutes later).
    due: list[datetime] = []
    async with transaction(ctx.pool) as conn:
        fresh = await claim_events(conn, ctx.consumer, [e.id for e in envelopes])
        todo = list({e.id: e for e in envelopes if e.id in fresh}.values())
        await outbox.add(conn, await apply(conn, replace(ctx, wake=due.append), todo))
    if due:
        ctx.wake(min(due))
    for ce_type, n in Counter(e.type for e in envelopes).items():
        done = sum(1 for e in todo if e.type == ce_type)
        metrics.EVENTS_APPLIED.labels(ce_type).inc(done)
        metrics.EVENTS_DUPLICATE.labels(ce_type).inc(n - done)


def _data(envelopes: list[Envelope[Contract]], kind: type[T]) -> list[tuple[str, T]]:
    """(event id, payload) pairs of a run whose events all carry `kind`."""
    out: list[tuple[str, T]] = []
    for e in envelopes:
        assert isinstance(e.data, kind)
        out.append((e.id, e.data))
    return out


async def sessions_changed(conn: asyncpg.Connection, ctx: Context, envs: list[Envelope[Contract]]) -> list[
        Envelope[Contract]]:
    """Session upserts and cancellations: rosters and times, then the visits they settle."""
    publishers = await check_sessions(conn, envs)
    # Every attendee's lock first, in one sorted pass, so a concurrent attendance run cannot deadlock with us.
    await repo.lock_patients(conn, (p for e in envs if isinstance(e.data, SessionUpserted) for p in e.data.attendees))
    not_before = ctx.clock.now() + ctx.late_session_settle
    changed: list[str] = []
    for e in envs:
        if isinstance(e.data, SessionUpserted):
            applied = await repo.upsert_session(conn, e.data, ctx.grace, not_before)
        else:
            assert isinstance(e.data, SessionCancelled)
            applied = await repo.cancel_session(conn, e.data.session_id, e.data.revision, publishers[e.id])
        if applied:
            changed.append(e.data.session_id)
    visits = [v for sid in dict.fromkeys(changed) for v in await repo.visits_of_session(conn, sid)]
    out, patients = await settle(conn, ctx, visits)
    return out + await evaluate_patients(conn, ctx, patients)


async def attendance_recorded(conn: asyncpg.Connection, ctx: Context, envs: list[Envelope[Contract]]) -> list[
        Envelope[Contract]]:
    """Records kept, visits settled, and every patient evaluated: attended hours change with any record."""
    await check_records(conn, envs)
    records = _data(envs, AttendanceRecorded)
    _refuse_future(ctx, records)
    patients = {a.patient_id for _, a in records}
    await repo.lock_patients(conn, patients)
    out, _ = await settle(conn, ctx, await repo.record_attendance(conn, records, ctx.grace))
    return out + await evaluate_patients(conn, ctx, patients, locked=True)


def _refuse_future(ctx: Context, records: list[tuple[str, AttendanceRecorded]]) -> None:
    """A record dated past now + the allowed skew would override later ones: refused (a dead letter)."""
    limit = ctx.clock.now() + ctx.future_skew
    if any(a.recorded_at > limit for _, a in records):
        raise ContractError("recorded_at: in the future beyond the allowed clock skew")


async def checkin_received(conn: asyncpg.Connection, ctx: Context, envs: list[Envelope[Contract]]) -> list[
        Envelope[Contract]]:
    """Scored, crisis and prompted replies count for risk; a new one re-evaluates its patient."""
    patients: set[str] = set()
    for event_id, c in _data(envs, CheckinReceived):
        relevant = c.intent in SCORED or c.prompt_reminder_id is not None or c.intent in UNSCORED_ANSWERS
        if await repo.add_checkin(conn, event_id, c) and relevant:
            patients.add(c.patient_id)
    return await evaluate_patients(conn, ctx, patients)


async def assessment_completed(conn: asyncpg.Connection, ctx: Context, envs: list[Envelope[Contract]]) -> list[
        Envelope[Contract]]:
    """Questionnaire outcomes: kept once, and each new one re-evaluates its patient (cut-offs, item 9, a rise)."""
    patients: set[str] = set()
    for event_id, a in _data(envs, AssessmentCompleted):
        if await assessments.add(conn, event_id, a):
            patients.add(a.patient_id)
    return await evaluate_patients(conn, ctx, patients)


async def reminder_due(conn: asyncpg.Connection, ctx: Context, envs: list[Envelope[Contract]]) -> list[
        Envelope[Contract]]:
    """Check-in prompts are kept, so unanswered ones can be counted."""
    patients: set[str] = set()
    for _, r in _data(envs, ReminderDue):
        if r.purpose is ReminderPurpose.checkin_prompt and await repo.add_prompt(conn, r.reminder_id, r.patient_id,
                                                                                 r.due_at):
            patients.add(r.patient_id)
    return await evaluate_patients(conn, ctx, patients)


async def patient_upserted(conn: asyncpg.Connection, ctx: Context, envs: list[Envelope[Contract]]) -> list[
        Envelope[Contract]]:
    await check_patients(conn, envs)
    for _, p in _data(envs, PatientUpserted):
        await repo.upsert_patient(conn, p)
    return []
