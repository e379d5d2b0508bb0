"""Session upserts applied set-based: a partition's run of events in few statements, each patient replanned once.

A run is cut into chunks in which no session appears twice; a chunk is one transaction that stores its
sessions, coalesces their notices and queues the replans of everyone they touch with the inbox claims. The
queue is then drained set-based, each batch one transaction, so a patient's replan is applied whole or not at
all, and a patient on many sessions of the run is planned once, from the end state (as the last of the
one-by-one replans would). Replans a failure leaves queued are resumed by the dispatcher's sweep.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from iop_shared.contracts import Envelope
from iop_shared.contracts.inbound import SessionUpserted
from iop_shared.contracts.tenancy import check_event_clinic, roster_check, same_clinic
from iop_shared.db import claim_events
from iop_shared.faults import is_transient
from iop_shared.logging import get_logger

from ..adapters.repository import Repository, sql
from ..domain.model import Reminder, SessionView
from ..domain.notices import Coalesced, coalesce_moved
from . import reschedule, waitlist
from .deps import CONSUMER, Deps
from .planning import earliest, record, zone_of
from .replans import drain_replans_set_based

log = get_logger(__name__)


@dataclass(frozen=True)
class _Change:
    """One applied upsert: the session before (None when new), after, and the event's zone."""

    env: Envelope[SessionUpserted]
    old: SessionView | None
    new: SessionView
    tz: str


async def sessions_upserted(deps: Deps, envs: Sequence[Envelope[SessionUpserted]], *, inline: bool = False) -> None:
    """Apply a run of session upserts in order, by revision, once per event id.

    The replans they queue are drained here when `inline` (or no drainer runs), else by the drainer.
    """
    for env in envs:  # a clinic publishes only its own sessions: refused before anything is written
        check_event_clinic(env.source, env.data.clinic_id)
    planned: list[Reminder] = []
    for chunk in _chunks(envs):
        if not inline and deps.replans_owed is not None:
            deps.replans_owed()  # ingest is running: the drainer's wait for quiet starts again
        planned += await _apply_chunk(deps, chunk)
    if inline or deps.replans_owed is None:
        planned += await _replan_owed(deps)
    else:
        deps.replans_owed()
    first = earliest(planned)
    if first is not None:
        deps.nudge(first)


async def _replan_owed(deps: Deps) -> list[Reminder]:
    """Replan everyone the applied events queued: a patient on many of them is planned once, from the end state."""
    try:
        return await drain_replans_set_based(deps)
    except Exception as exc:
        if is_transient(exc):
            raise  # the events are applied (the inbox skips them); the redelivery drains again
        # The events are applied and the replans stay queued: the dispatcher's sweep retries them.
        log.exception("replans_failed")
        return []


def _chunks(envs: Sequence[Envelope[SessionUpserted]]) -> list[list[Envelope[SessionUpserted]]]:
    """Consecutive events with no session twice (a later change of a session sees the earlier one applied)."""
    chunks: list[list[Envelope[SessionUpserted]]] = [[]]
    seen: set[str] = set()
    for env in envs:
        if env.data.session_id in seen:
            chunks.append([])
            seen = set()
        chunks[-1].append(env)
        seen.add(env.data.session_id)
    return [c for c in chunks if c]


async def _apply_chunk(deps: Deps, envs: list[Envelope[SessionUpserted]]) -> list[Reminder]:
    now = deps.clock.now()
    async with deps.store.transaction() as repo:
        fresh = await claim_events(repo.conn, CONSUMER, [e.id for e in envs])
        envs = [e for e in envs if e.id in fresh]
        if not envs:
            return []
        changes = await _changes(deps, repo, envs)
        if not changes:
            return []
        await repo.upsert_sessions([(c.new, c.tz) for c in changes])
        await _slots(repo, deps, changes, now)
        # Queued before any plan lock is taken here, so a drain holding a queued row never waits on us.
        await repo.enqueue_patients({pid: c.tz for c in changes
                                     for pid in (*c.new.attendees, *(c.old.attendees if c.old else ()))})
        notices = await _notices(deps, repo, changes, now)
        for c in changes:
            _outcome(deps, c.env, True)
    return notices


async def _slots(repo: Repository, deps: Deps, changes: list[_Change], now: datetime) -> None:
    """reschedule.session_upserted then waitlist.session_upserted for every change, the column writes pipelined.

    A bulk load holds no reschedule holds and no capacities: one round trip per statement for all its sessions.
    """
    data = [c.env.data for c in changes]
    await repo.conn.executemany(sql("reschedule/set_session_service"),
                                [(s.session_id, s.program_id, s.kind.value) for s in data])
    # The clinic's upsert is what moves a patient: it consumes their hold on that time (when any is held).
    if await repo.conn.fetchval(sql("reschedule/any_held"), sorted({s.clinic_id for s in data})):
        for s in data:
            await reschedule.consume_holds(repo, s, now)
    await repo.conn.executemany(sql("reschedule/set_session_waitlist"),
                                [(s.session_id, s.capacity, list(dict.fromkeys(s.waitlist))) for s in data])
    await repo.conn.executemany(sql("reschedule/close_waitlist_seats"),
                                [(s.session_id,) for s in data if s.capacity is None])
    for c in changes:
        if c.env.data.capacity is not None:
            await waitlist.recount(repo, deps, c.env.data, c.old.attendees if c.old else (), now)


async def _changes(deps: Deps, repo: Repository, envs: list[Envelope[SessionUpserted]]) -> list[_Change]:
    """Tenancy checks for every event, then the ones that carry a newer revision (the rest are stale)."""
    existing = await repo.sessions_for_update_many([e.data.session_id for e in envs])
    owners = await repo.owners_of(sorted({a for e in envs for a in (*e.data.attendees, *e.data.waitlist)}))
    changes = []
    for env in envs:
        s = env.data
        found = existing.get(s.session_id)
        same_clinic("clinic_id", s.clinic_id, found[0].clinic_id if found else None)
        attendees = tuple(dict.fromkeys(s.attendees))
        roster_check(attendees, {a: owners[a] for a in attendees if a in owners}, s.clinic_id)
        roster_check(s.waitlist, {a: owners[a] for a in s.waitlist if a in owners}, s.clinic_id, "waitlist")
        if found and found[0].revision >= s.revision:
            _outcome(deps, env, False)
            continue
        new = SessionView(s.session_id, s.clinic_id, s.starts_at, s.ends_at, attendees, s.revision,
                          program_id=s.program_id)
        changes.append(_Change(env, found[0] if found else None, new, s.timezone))
    return changes


async def _notices(deps: Deps, repo: Repository, changes: list[_Change], now: datetime) -> list[Reminder]:
    """Coalesce each moved session's unsent notices; withdraw those of attendees taken off it."""
    moved = [c for c in changes if c.old is not None]
    # Only a patient who stays on a moved session can be told of it: their plan locks, in id order.
    rows = await repo.lock_patients([p for c in moved for p in _staying(c)])
    pending = await repo.pending_notices_many([c.new.session_id for c in moved])
    withdraw: list[tuple[str, str]] = []
    merged = Coalesced()
    for c in changes:
        zones = {pid: zone_of(rows[pid], c.tz) for pid in _staying(c)
                 if not rows[pid].discharged and rows[pid].clinic_id in (None, c.new.clinic_id)}
        co = coalesce_moved(c.old, c.new, now, deps.policy, zones, pending.get(c.new.session_id, {}))
        sid = c.new.session_id
        withdraw += [(sid, pid) for pid in sorted(set(co.withdraw) | {n.patient_id for n in co.notices})]
        # someone taken off the session hears nothing more about it
        withdraw += [(sid, pid) for pid in sorted(set(c.old.attendees if c.old else ()) - set(c.new.attendees))]
        merged.notices.extend(co.notices)
        merged.told.update(co.told)
    await repo.withdraw_notices_of(withdraw)
    await repo.insert_notices(merged)
    record(deps, merged.notices)
    return merged.notices


def _staying(c: _Change) -> set[str]:
    return set(c.old.attendees if c.old else ()) & set(c.new.attendees)


def _outcome(deps: Deps, env: Envelope[SessionUpserted], applied: bool) -> None:
    outcome = "applied" if applied else "stale"
    deps.metrics.events.labels(env.type, outcome).inc()
    log.info("event_applied", ce_type=env.type, event_id=env.id, outcome=outcome)
