"""Waitlist backfill, the pure part: when a seat counts as released, how many are open, and the ids involved."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta

_PREFIX = "wl-"
_MAX_ID = 128  # EntityId's bound


def waitlist_slot_id(session_id: str) -> str:
    """The slot standing for a session's open seats (a digest when the session id is too long to prefix)."""
    plain = f"{_PREFIX}{session_id}"
    if len(plain) <= _MAX_ID:
        return plain
    return f"{_PREFIX}{hashlib.sha256(session_id.encode()).hexdigest()[:40]}"


def open_seats(capacity: int | None, attendees: Sequence[str]) -> int:
    """Seats nobody is listed on (never negative: a clinic may overbook)."""
    return 0 if capacity is None else max(0, capacity - len(set(attendees)))


def seat_released(old: Sequence[str], new: Sequence[str], capacity: int | None) -> bool:
    """A listed patient was taken off a session that now has a seat free (a new session releases nothing)."""
    return bool(set(old) - set(new)) and open_seats(capacity, new) > 0


def offer_id(slot_id: str, patient_id: str, at: datetime) -> str:
    """One offer per patient per release: the same release replayed names the same offer."""
    digest = hashlib.sha256(f"{slot_id}|{patient_id}|{at.isoformat()}".encode()).hexdigest()[:32]
    return f"{_PREFIX}{digest}"


def offer_expiry(now: datetime, starts_at: datetime, ttl: timedelta, lead: timedelta) -> datetime | None:
    """An offer lasts `ttl` but never past `lead` before the session; None when that is already past."""
    last = starts_at - lead
    return min(now + ttl, last) if last > now else None
