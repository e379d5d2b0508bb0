"""Clinic opening hours ("mon-fri 08:00-18:00" in clinic local time): when triage escalates and when it pages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPEC = re.compile(r"^\s*(?P<days>[a-z,\-]+)\s+(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})\s*$")


@dataclass(frozen=True)
class OpenHours:
    """Weekdays (0 = Monday) and a local [start, end) window on each of them."""

    days: frozenset[int]
    start: time
    end: time


def _days(spec: str) -> frozenset[int]:
    out: set[int] = set()
    for part in spec.split(","):
        first, _, last = part.partition("-")
        a, b = DAYS.index(first), DAYS.index(last or first)
        out.update(range(a, b + 1) if a <= b else (*range(a, 7), *range(0, b + 1)))
    return frozenset(out)


def parse_open_hours(spec: str) -> OpenHours:
    """Parse "mon-fri 08:00-18:00" (days: a range, a comma list, or both); ValueError names what is wrong."""
    m = _SPEC.match(spec.lower())
    if m is None:
        raise ValueError("opening hours must look like 'mon-fri 08:00-18:00'")
    try:
        days = _days(m["days"])
    except ValueError:
        raise ValueError("opening days must be mon..sun, as a range or a comma list") from None
    start, end = time.fromisoformat(m["start"].zfill(5)), time.fromisoformat(m["end"].zfill(5))
    if not start < end:
        raise ValueError("opening hours must end after they start")
    return OpenHours(days, start, end)


def is_open(now: datetime, zone: ZoneInfo, hours: OpenHours) -> bool:
    """Whether the clinic is open at `now` (an aware instant) in its own time zone."""
    local = now.astimezone(zone)
    return local.weekday() in hours.days and hours.start <= local.time() < hours.end


def next_step(now: datetime, zone: ZoneInfo, hours: OpenHours, after: timedelta) -> tuple[str, datetime | None]:
    """What an unopened triage item does now: ("medium", when to escalate) while the clinic is open,
    ("high", None) outside opening hours (the on-call member, at once, with no further escalation)."""
    if is_open(now, zone, hours):
        return "medium", now + after
    return "high", None
