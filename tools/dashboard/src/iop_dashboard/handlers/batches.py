"""A partition's run of events projected in one transaction, set-based: one statement per run of a type.

Per-key order holds: consecutive events of one type go together, and a run naming a key twice is split into
waves (each key at most once per wave, in the order the events came), so every statement sees each row once.
Redelivered events are skipped by the inbox, as with one event per transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from itertools import groupby

import asyncpg

from iop_shared.contracts import Contract, Envelope
from iop_shared.contracts.inbound import AttendanceRecorded, PatientUpserted, SessionUpserted
from iop_shared.contracts.outbound import Notification, RecipientKind, VisitMissed, VisitMissedRetracted
from iop_shared.db import claim_events

from .. import metrics
from ..adapters import batch_repository as batch
from ..adapters import repository as repo
from ..adapters.db import transaction
from ..domain.model import Outcome
from . import events
from .context import CONSUMER, Context

# The events that change a session's counts (session_counts).
COUNTED = frozenset({"iop.session.upserted.v1", "iop.session.cancelled.v1", "iop.attendance.recorded.v1",
                     "iop.visit.missed.v1", "iop.visit.missed_retracted.v1"})
VISITS = frozenset({"iop.visit.missed.v1", "iop.visit.missed_retracted.v1"})
# The events after which a miss takes its session's kind, and its patient's clinic (misses keep both: 0007).
KINDS = frozenset({"iop.session.upserted.v1", "iop.visit.missed.v1"})
CLINICS = frozenset({"iop.patient.upserted.v1", "iop.visit.missed.v1"})
RunApply = Callable[[asyncpg.Connection, list[Contract]], Awaitable[int]]
OUTCOMES = {"iop.notification.sent.v1": Outcome.sent, "iop.notification.delivered.v1": Outcome.delivered,
            "iop.notification.failed.v1": Outcome.failed, "iop.notification.suppressed.v1": Outcome.suppressed}


async def handle_batch(ctx: Context, envelopes: Sequence[Envelope[Contract]]) -> int:
    """Apply the events not applied yet, in order, in one transaction; tell live pages once if anything changed."""
    async with transaction(ctx.pool) as conn:
        fresh = await claim_events(conn, CONSUMER, [e.id for e in envelopes])
        todo = [e for e in dict((e.id, e) for e in envelopes).values() if e.id in fresh]
        counted, kinds, clinics = _kept(todo)
        if any(e.type in VISITS for e in todo):
            # A miss written, then its locks awaited, while a patient's or session's run holding them updates that
            # miss would deadlock: runs of misses take the locks before writing.
            await batch.lock_kept(conn, [*counted, *kinds], clinics)
        changed = 0
        for _, group in groupby(todo, key=_run_key):
            run = list(group)
            applied = await _apply_run(conn, run)
            _count(run, applied)
            changed += applied
        await batch.refresh_kept(conn, counted, kinds, clinics)
        if changed:
            await repo.notify_changed(conn, ctx.channel)
    for e in envelopes:
        if e.id not in fresh:
            metrics.EVENTS.labels(e.type, "duplicate").inc()
    return changed


def _kept(todo: list[Envelope[Contract]]) -> tuple[list[str], list[str], list[str]]:
    """The sessions whose counts these events may change, those whose kind their misses copy, and the patients
    whose clinic their misses copy (the types named all carry those ids)."""
    def ids(types: frozenset[str], field: str) -> list[str]:
        return [str(getattr(e.data, field)) for e in todo if e.type in types]
    return ids(COUNTED, "session_id"), ids(KINDS, "session_id"), ids(CLINICS, "patient_id")


def _run_key(e: Envelope[Contract]) -> str:
    # The four notification outcomes add to the same counts: one run, one statement.
    return "notification" if e.type in OUTCOMES else e.type


async def _apply_run(conn: asyncpg.Connection, run: list[Envelope[Contract]]) -> int:
    if run[0].type in OUTCOMES:
        return await _notifications(conn, run)
    set_based = SET_BASED.get(run[0].type)
    if set_based is None:  # rare types: one statement per event, still in the run's transaction
        apply = events.ROUTES[run[0].type]
        return sum([await apply(conn, e.data) for e in run])
    key, apply_wave = set_based
    return sum([await apply_wave(conn, wave) for wave in waves([e.data for e in run], key)])


def waves(items: list[Contract], key: Callable[[Contract], Hashable]) -> list[list[Contract]]:
    """The items split so no wave names a key twice; the n-th item of a key is in wave n."""
    out: list[list[Contract]] = []
    seen: dict[Hashable, int] = {}
    for item in items:
        k = key(item)
        n = seen.get(k, 0)
        seen[k] = n + 1
        if n == len(out):
            out.append([])
        out[n].append(item)
    return out


def _count(run: list[Envelope[Contract]], applied: int) -> None:
    if applied == len(run):
        for e in run:
            metrics.EVENTS.labels(e.type, "applied").inc()
        return
    metrics.EVENTS.labels(run[0].type, "applied").inc(applied)
    metrics.EVENTS.labels(run[0].type, "stale").inc(len(run) - applied)


async def _notifications(conn: asyncpg.Connection, run: list[Envelope[Contract]]) -> int:
    counted: list[batch.Counted] = []
    unpaged = []
    for e in run:
        n = events.as_contract(e.data, Notification)
        patient = n.recipient_id if n.recipient_kind is RecipientKind.patient else None
        counted.append((n.occurred_at, OUTCOMES[e.type].value, n.channel.value if n.channel else "",
                        n.reason_code.value if n.reason_code else "", patient))
        if events.nobody_paged(n):
            unpaged.append((n.source_event_id, n.occurred_at))
    await batch.count_notifications(conn, counted)
    if unpaged:
        await batch.flags_unpaged(conn, unpaged)
    return len(run)


def _typed(model: type[events.C], write: Callable[[asyncpg.Connection, list[events.C]], Awaitable[int]]) -> Callable[
        [asyncpg.Connection, list[Contract]], Awaitable[int]]:
    async def apply(conn: asyncpg.Connection, items: list[Contract]) -> int:
        return await write(conn, [events.as_contract(i, model) for i in items])
    return apply


def _attr(*names: str) -> Callable[[Contract], Hashable]:
    return lambda c: tuple(getattr(c, n) for n in names)


SET_BASED: dict[str, tuple[Callable[[Contract], Hashable], RunApply]] = {
    "iop.patient.upserted.v1": (_attr("patient_id"), _typed(PatientUpserted, batch.upsert_patients)),
    "iop.session.upserted.v1": (_attr("session_id"), _typed(SessionUpserted, batch.upsert_sessions)),
    "iop.attendance.recorded.v1": (_attr("session_id", "patient_id"),
                                   _typed(AttendanceRecorded, batch.record_attendances)),
    "iop.visit.missed.v1": (_attr("visit_id"), _typed(VisitMissed, batch.visits_missed)),
    "iop.visit.missed_retracted.v1": (_attr("visit_id"), _typed(VisitMissedRetracted, batch.visits_retracted)),
}
"""The event types applied with one statement per wave; the others go one statement per event."""
