"""Publishes misses and retractions for visits whose state changed, in the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import asyncpg

from iop_shared.contracts import Contract, Envelope
from iop_shared.contracts.outbound import VisitMissed, VisitMissedRetracted

from .. import metrics
from ..adapters import repository as repo
from ..domain.model import Visit
from ..domain.visits import VisitAction, decide
from .context import Context


async def settle(conn: asyncpg.Connection, ctx: Context, visits: Iterable[Visit]) -> tuple[
        list[Envelope[Contract]], set[str]]:
    """Events for every visit that must now be missed or retracted, and the patients whose visits changed."""
    now, deciding = ctx.clock.now(), ctx.deciding()
    out: list[Envelope[Contract]] = []
    missed: list[tuple[Visit, str, str]] = []
    retracted: list[Visit] = []
    for v in visits:
        assert v.due_at is not None
        action = decide(expected=v.expected, status=v.status, due=v.due_at, now=now,
                        missed=v.missed_visit_id is not None)
        if action is VisitAction.miss and not deciding:
            continue  # still catching up after a start: the sweep at release decides it on the full backlog
        if action is VisitAction.miss:
            visit_id = str(uuid.uuid4())
            env = ctx.envelope(VisitMissed(visit_id=visit_id, session_id=v.session_id, patient_id=v.patient_id,
                                           detected_at=now))
            missed.append((v, visit_id, env.id))
        elif action is VisitAction.retract:
            assert v.missed_visit_id is not None
            env = ctx.envelope(VisitMissedRetracted(visit_id=v.missed_visit_id, session_id=v.session_id,
                                                    patient_id=v.patient_id, detected_at=now))
            retracted.append(v)
        else:
            if v.expected and v.missed_visit_id is None and v.due_at > now:
                ctx.wake(v.due_at)
            continue
        out.append(env)
    await repo.mark_missed(conn, missed, now)
    await repo.clear_missed(conn, retracted)
    metrics.MISSES_DETECTED.inc(len(missed))
    metrics.MISSES_RETRACTED.inc(len(retracted))
    return out, {v.patient_id for v, _, _ in missed} | {v.patient_id for v in retracted}
