"""Waitlist backfill: a seat released in a session with capacity is offered, by text, to the clinic's waitlist.

A session's open seats are a slot of its own (slots.session_id), so everything after the offer is reschedule by
reply unchanged: the first YES (iop.reschedule.chosen.v1 from the notifier) takes the seat with the one atomic
UPDATE, holds it and publishes iop.reschedule.requested.v1; later YESes are told it was taken; the clinic's
upsert listing the patient consumes the hold; an unconfirmed hold is released at expiry and the seat offered
again. Seats are released by the clinic's upsert taking a patient off (a patient who rescheduled away, or a
cancellation the clinic recorded) or by such a hold's expiry.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from iop_shared import outbox
from iop_shared.contracts import Envelope
from iop_shared.contracts.inbound import SessionUpserted
from iop_shared.contracts.reschedule import WaitlistOffered
from iop_shared.logging import get_logger

from ..adapters.repository import Repository, sql
from ..domain.waitlist import offer_expiry, offer_id, open_seats, seat_released, waitlist_slot_id
from .deps import SOURCE, Deps

log = get_logger(__name__)


async def session_upserted(repo: Repository, deps: Deps, s: SessionUpserted, old_attendees: Sequence[str],
                           now: datetime) -> None:
    """Keep the session's capacity and waitlist, recount its open seats, and offer a seat just released."""
    await repo.conn.execute(sql("reschedule/set_session_waitlist"), s.session_id, s.capacity,
                            list(dict.fromkeys(s.waitlist)))
    if s.capacity is None:
        await close(repo, s.session_id)
        return
    await recount(repo, deps, s, old_attendees, now)


async def recount(repo: Repository, deps: Deps, s: SessionUpserted, old_attendees: Sequence[str],
                  now: datetime) -> None:
    """A session with a capacity: recount its open seats and offer one just released (after the column write)."""
    await repo.conn.execute(sql("reschedule/lock_waitlist_seats"), waitlist_slot_id(s.session_id))
    row = await repo.conn.fetchrow(sql("reschedule/waitlist_seats"), waitlist_slot_id(s.session_id), s.clinic_id,
                                   s.program_id, s.kind.value, s.starts_at, s.ends_at,
                                   open_seats(s.capacity, s.attendees), s.session_id)
    if row is not None and row["open"] > 0 and seat_released(old_attendees, s.attendees, s.capacity):
        await offer_seat(repo, deps, s.session_id, row["slot_id"], now)


async def close(repo: Repository, session_id: str) -> None:
    """No seat of the session can be taken any more (cancelled, or its capacity withdrawn): a later YES is taken."""
    await repo.conn.execute(sql("reschedule/close_waitlist_seats"), session_id)


async def offer_seat(repo: Repository, deps: Deps, session_id: str, slot_id: str, now: datetime) -> int:
    """Offer the session's open seat to every waitlisted patient not offered it yet; the first YES wins."""
    sent = 0
    for r in await repo.conn.fetch(sql("reschedule/waitlist_to_offer"), session_id, slot_id, now):
        expires = offer_expiry(now, r["starts_at"], deps.reschedule.offer_ttl, deps.reschedule.min_lead)
        if expires is None:  # too close to the session for the clinic to confirm anyone
            return sent
        oid = offer_id(slot_id, r["patient_id"], now)
        if not await repo.conn.fetchval(sql("reschedule/insert_offer"), oid, r["patient_id"], r["clinic_id"],
                                        session_id, [slot_id], now, expires):
            continue
        await outbox.add(repo.conn, [Envelope(source=SOURCE, data=WaitlistOffered(
            offer_id=oid, patient_id=r["patient_id"], clinic_id=r["clinic_id"], session_id=session_id,
            slot_id=slot_id, starts_at=r["starts_at"], offered_at=now, expires_at=expires))])
        sent += 1
    if sent:
        log.info("waitlist_offered", session_id=session_id, offers=sent)
    return sent


async def seats_released(repo: Repository, deps: Deps, slot_ids: Iterable[str], now: datetime) -> None:
    """Holds released at expiry gave seats back: a session's own seat goes to its waitlist again."""
    for slot_id in sorted(set(slot_ids)):
        session_id = await repo.conn.fetchval(sql("reschedule/waitlist_slot_session"), slot_id)
        if session_id is not None:
            await offer_seat(repo, deps, session_id, slot_id, now)
