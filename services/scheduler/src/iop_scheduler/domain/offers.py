"""Which open slots a patient is offered: within their allowed local hours, soonest first, at most three."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from .policy import QuietHours

CHOICES = ("A", "B", "C")


@dataclass(frozen=True)
class PendingReschedule:
    """A seat held for a patient, waiting for the clinic to move the session (ids and times only)."""

    hold_id: str
    patient_id: str
    session_id: str
    slot_id: str
    slot_starts_at: datetime
    hold_expires_at: datetime


@dataclass(frozen=True)
class OpenSlot:
    slot_id: str
    starts_at: datetime
    ends_at: datetime


def in_allowed_hours(slot: OpenSlot, zone: str, window: QuietHours) -> bool:
    """The whole slot lies in the patient's allowed local window (never a time they asked not to be reached)."""
    tz = ZoneInfo(zone)
    start, end = slot.starts_at.astimezone(tz), slot.ends_at.astimezone(tz)
    return start.date() == end.date() and window.start <= start.time() and end.time() <= window.end


def pick(slots: list[OpenSlot], zone: str, window: QuietHours, limit: int = 3) -> list[tuple[str, OpenSlot]]:
    """Up to `limit` slots labelled A, B, C in time order."""
    fitting = sorted((s for s in slots if in_allowed_hours(s, zone, window)), key=lambda s: (s.starts_at, s.slot_id))
    return list(zip(CHOICES, fitting[:limit], strict=False))
