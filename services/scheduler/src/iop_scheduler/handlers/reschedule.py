"""Reschedule by reply, the scheduler's half: it owns the clinic's open slots, the offers and the seats held.

The notifier owns the conversation (it sends the offers and reads the patient's "A", "B" or "C"); the scheduler
knows sessions, programs and quiet hours, and is the one writer of seats, so a hold is a single UPDATE that two
replicas can race on and only `capacity` of them win. The clinic stays the source of truth: a hold asks it
(iop.reschedule.requested.v1), its own session upsert moves the patient and consumes the hold.
"""

from __future__ import annotations

from datetime import datetime

import asyncpg

from iop_shared import outbox
from iop_shared.contracts import Contract, Envelope
from iop_shared.contracts.inbound import SessionUpserted
from iop_shared.contracts.outbound import CheckinReceived
from iop_shared.contracts.reschedule import (
    RescheduleChosen,
    RescheduleClosed,
    RescheduleOffered,
    RescheduleOutcome,
    RescheduleRequested,
    SlotOption,
    SlotUpserted,
)
from iop_shared.contracts.tenancy import check_event_clinic, same_clinic
from iop_shared.db import Conn, claim_event
from iop_shared.logging import get_logger

from ..adapters.repository import Repository, sql
from ..domain.offers import OpenSlot, pick
from . import waitlist
from .deps import CONSUMER, SOURCE, Deps
from .planning import policy_for, zone_of

log = get_logger(__name__)


async def _emit(conn: Conn, data: Contract) -> None:
    await outbox.add(conn, [Envelope(data=data, source=SOURCE)])


async def slot_upserted(deps: Deps, env: Envelope[SlotUpserted]) -> None:
    """Apply a newer revision of the publishing clinic's slot; another clinic's slot is refused."""
    s = env.data
    check_event_clinic(env.source, s.clinic_id)
    async with deps.store.transaction() as repo:
        if not await claim_event(repo.conn, CONSUMER, env.id):
            return
        same_clinic("clinic_id", s.clinic_id, await repo.conn.fetchval(sql("reschedule/slot_owner"), s.slot_id))
        await repo.conn.fetchval(sql("reschedule/upsert_slot"), s.slot_id, s.clinic_id, s.program_id, s.kind.value,
                                 s.starts_at, s.ends_at, s.capacity, s.revision)


async def offer(repo: Repository, deps: Deps, c: CheckinReceived, now: datetime) -> bool:
    """Offer up to three open slots for the session a "2" was about; False when none fits (staff handle it)."""
    row = await repo.conn.fetchrow(sql("reschedule/session_to_move"), list(c.session_ids), c.patient_id, now)
    if row is None or row["program_id"] is None:
        return False
    patient = await repo.lock_patient(c.patient_id)
    zone = zone_of(patient, deps.default_timezone)
    window = policy_for(patient, deps.policy).quiet_hours
    rows = await repo.conn.fetch(sql("reschedule/open_slots"), row["clinic_id"], row["program_id"], row["kind"],
                                 now + deps.reschedule.min_lead, row["starts_at"])
    chosen = pick([OpenSlot(r["slot_id"], r["starts_at"], r["ends_at"]) for r in rows], zone, window)
    if not chosen:
        return False
    offer_id = f"off-{c.checkin_id}"
    expires = now + deps.reschedule.offer_ttl
    if not await repo.conn.fetchval(sql("reschedule/insert_offer"), offer_id, c.patient_id, row["clinic_id"],
                                    row["session_id"], [s.slot_id for _, s in chosen], now, expires):
        return False
    await _emit(repo.conn, RescheduleOffered(
        offer_id=offer_id, patient_id=c.patient_id, clinic_id=row["clinic_id"], session_id=row["session_id"],
        options=[SlotOption.model_validate({"choice": label, "slot_id": s.slot_id, "starts_at": s.starts_at,
                                            "ends_at": s.ends_at}) for label, s in chosen],
        offered_at=now, expires_at=expires))
    log.info("reschedule_offered", offer_id=offer_id, patient_id=c.patient_id, options=len(chosen))
    return True


async def chosen(deps: Deps, env: Envelope[RescheduleChosen]) -> None:
    """Hold the chosen seat if one is left (one atomic UPDATE), else tell the patient it was taken."""
    c, now = env.data, deps.clock.now()
    async with deps.store.transaction() as repo:
        if not await claim_event(repo.conn, CONSUMER, env.id):
            return
        o = await repo.conn.fetchrow(sql("reschedule/offer_for_choice"), c.offer_id, c.patient_id)
        if o is None or o["has_hold"] or c.slot_id not in o["slot_ids"] or o["expires_at"] <= now:
            log.warning("reschedule_choice_ignored", offer_id=c.offer_id, patient_id=c.patient_id)
            return
        starts = await repo.conn.fetchval(sql("reschedule/take_seat"), c.slot_id, now)
        if starts is None:
            await _emit(repo.conn, RescheduleClosed(
                offer_id=c.offer_id, patient_id=c.patient_id, clinic_id=o["clinic_id"], session_id=o["session_id"],
                slot_id=c.slot_id, outcome=RescheduleOutcome.taken, closed_at=now))
            log.info("reschedule_seat_taken", offer_id=c.offer_id, slot_id=c.slot_id)
            return
        hold_id, expires = f"hold-{c.offer_id}", now + deps.reschedule.hold_ttl
        await repo.conn.execute(sql("reschedule/insert_hold"), hold_id, c.offer_id, c.slot_id, c.patient_id,
                                o["clinic_id"], o["session_id"], now, expires)
        await _emit(repo.conn, RescheduleRequested(
            hold_id=hold_id, offer_id=c.offer_id, patient_id=c.patient_id, clinic_id=o["clinic_id"],
            session_id=o["session_id"], slot_id=c.slot_id, slot_starts_at=starts, hold_expires_at=expires,
            requested_at=now))
        log.info("reschedule_held", hold_id=hold_id, slot_id=c.slot_id)


async def session_upserted(repo: Repository, s: SessionUpserted, now: datetime) -> None:
    """Keep the session's program and kind; a patient seated at a held time consumes their hold."""
    await repo.conn.execute(sql("reschedule/set_session_service"), s.session_id, s.program_id, s.kind.value)
    await consume_holds(repo, s, now)


async def consume_holds(repo: Repository, s: SessionUpserted, now: datetime) -> None:
    """A patient seated at a held time consumes their hold (session_upserted without its column write)."""
    for h in await repo.conn.fetch(sql("reschedule/consume_holds"), s.clinic_id, list(s.attendees), s.starts_at,
                                   now):
        await _closed(repo.conn, h, RescheduleOutcome.confirmed, now)


async def release_expired(deps: Deps) -> int:
    """Release every hold past its expiry (its seat given back) and tell the patient through the notifier."""
    now = deps.clock.now()
    async with deps.store.transaction() as repo:
        rows = await repo.conn.fetch(sql("reschedule/release_expired"), now)
        for h in rows:
            await _closed(repo.conn, h, RescheduleOutcome.expired, now)
        await waitlist.seats_released(repo, deps, (h["slot_id"] for h in rows), now)
    if rows:
        log.info("reschedule_holds_released", holds=len(rows))
    return len(rows)


async def _closed(conn: Conn, h: asyncpg.Record, outcome: RescheduleOutcome, now: datetime) -> None:
    await _emit(conn, RescheduleClosed(
        offer_id=h["offer_id"], patient_id=h["patient_id"], clinic_id=h["clinic_id"], session_id=h["session_id"],
        slot_id=h["slot_id"], hold_id=h["hold_id"], outcome=outcome, closed_at=now))
