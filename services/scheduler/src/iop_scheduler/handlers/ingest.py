"""Use cases for inbound events: each applies by revision, once per event id, in one transaction."""

from __future__ import annotations

from iop_shared.contracts import Envelope
from iop_shared.contracts.inbound import ClinicUpserted, PatientUpserted, SessionCancelled, SessionUpserted
from iop_shared.contracts.outbound import CheckinIntent, CheckinReceived
from iop_shared.contracts.tenancy import check_event_clinic, require_publisher, same_clinic
from iop_shared.db import claim_event
from iop_shared.logging import get_logger

from ..adapters.repository import Repository
from ..domain.model import Reminder
from . import changes, reschedule, waitlist
from .deps import CONSUMER, Deps
from .planning import earliest, replan, zone_of
from .replans import drain_replans
from .session_batch import sessions_upserted

log = get_logger(__name__)


async def clinic_upserted(deps: Deps, env: Envelope[ClinicUpserted]) -> None:
    """Keep the clinic's zone and quiet-hours override; queue its patients' replans with the claim, then run them."""
    c = env.data
    check_event_clinic(env.source, c.clinic_id)  # a clinic publishes only itself
    quiet = (c.quiet_hours.start, c.quiet_hours.end) if c.quiet_hours else None
    async with deps.store.transaction() as repo:
        if not await claim_event(repo.conn, CONSUMER, env.id):
            return
        applied = await repo.upsert_clinic(c.clinic_id, c.timezone, quiet, c.revision)
        if applied:  # durable: a failure part-way is resumed by the dispatcher's sweep, never lost
            await repo.enqueue_replans(c.clinic_id, c.timezone)
        _outcome(deps, env, applied)
    _nudge(deps, await drain_replans(deps))


async def patient_upserted(deps: Deps, env: Envelope[PatientUpserted]) -> None:
    """Apply a newer revision of the patient of the publishing clinic; another clinic's patient is refused."""
    p = env.data
    check_event_clinic(env.source, p.clinic_id)
    planned: list[Reminder] = []
    async with deps.store.transaction() as repo:
        if not await claim_event(repo.conn, CONSUMER, env.id):
            return
        same_clinic("clinic_id", p.clinic_id, (await repo.lock_patient(p.patient_id)).clinic_id)
        applied = await repo.upsert_patient(p.patient_id, p.clinic_id, p.timezone, p.discharged_at, p.revision)
        if applied:
            # Listed first by another clinic's session (allowed while unknown): that clinic's notices go.
            await repo.withdraw_foreign(p.patient_id, p.clinic_id)
            planned += (await replan(repo, deps, p.patient_id, deps.clock.now(), p.timezone)).reminders
        _outcome(deps, env, applied)
    _nudge(deps, planned)


async def session_upserted(deps: Deps, env: Envelope[SessionUpserted]) -> None:
    """Store the new revision, tell staying attendees if it moved, and replan everyone it touches."""
    await sessions_upserted(deps, [env], inline=True)


async def session_cancelled(deps: Deps, env: Envelope[SessionCancelled]) -> None:
    """Cancel what is pending for the session and tell each attendee once."""
    c = env.data
    publisher = require_publisher(env.source)
    now = deps.clock.now()
    notices: list[Reminder] = []
    async with deps.store.transaction() as repo:
        if not await claim_event(repo.conn, CONSUMER, env.id):
            return
        existing = await repo.session_for_update(c.session_id)
        same_clinic("clinic_id", publisher, existing[0].clinic_id if existing else None)
        if existing is None or existing[0].revision >= c.revision:
            _outcome(deps, env, False)
            return
        session, tz = existing
        await repo.cancel_session(c.session_id, c.revision)
        await waitlist.close(repo, c.session_id)
        zones = await _lock_all(repo, deps, sorted(set(session.attendees)), tz, session.clinic_id)
        notices = await changes.session_cancelled(repo, deps, session, c.revision, now, zones)
        for pid in sorted(set(session.attendees)):
            await replan(repo, deps, pid, now, tz)
        _outcome(deps, env, True)
    _nudge(deps, notices)


async def checkin_received(deps: Deps, env: Envelope[CheckinReceived]) -> None:
    """A confirmation marks its sessions confirmed, so their 24 h reminder in a busy week is not sent; a "2"
    gets open slots offered when the clinic published some (else staff see the request, as before)."""
    c = env.data
    if c.intent is CheckinIntent.reschedule_request and c.session_ids:
        async with deps.store.transaction() as repo:
            if await claim_event(repo.conn, CONSUMER, env.id):
                await reschedule.offer(repo, deps, c, deps.clock.now())
        return
    if c.intent is not CheckinIntent.confirm or not c.session_ids:
        return
    planned: list[Reminder] = []
    async with deps.store.transaction() as repo:
        if not await claim_event(repo.conn, CONSUMER, env.id):
            return
        await repo.add_confirmations(c.patient_id, list(c.session_ids), c.received_at)
        planned += (await replan(repo, deps, c.patient_id, deps.clock.now(), deps.default_timezone)).reminders
        _outcome(deps, env, True)
    _nudge(deps, planned)


async def _lock_all(repo: Repository, deps: Deps, patient_ids: list[str], fallback: str,
                    clinic_id: str) -> dict[str, str]:
    """Lock each patient's plan in id order (no deadlocks); return the zones of the clinic's patients in care."""
    zones: dict[str, str] = {}
    for pid in patient_ids:
        row = await repo.lock_patient(pid)
        if not row.discharged and row.clinic_id in (None, clinic_id):
            zones[pid] = zone_of(row, fallback)
    return zones


def _outcome(deps: Deps, env: Envelope[object], applied: bool) -> None:  # type: ignore[type-var]
    outcome = "applied" if applied else "stale"
    deps.metrics.events.labels(env.type, outcome).inc()
    log.info("event_applied", ce_type=env.type, event_id=env.id, outcome=outcome)


def _nudge(deps: Deps, reminders: list[Reminder]) -> None:
    first = earliest(reminders)
    if first is not None:
        deps.nudge(first)
