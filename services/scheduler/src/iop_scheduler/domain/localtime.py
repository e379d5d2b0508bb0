"""Wall-clock arithmetic in a patient's IANA zone, correct across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from .policy import QuietHours

_STEP = timedelta(minutes=1)


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


# The planner converts the same few instants (a group's session times) again and again for every patient it
# plans: the conversions are pure, so they are remembered (bounded) rather than recomputed.
@lru_cache(maxsize=65536)
def local(instant: datetime, tz: str) -> datetime:
    return instant.astimezone(zone(tz))


def at_local(day: date, wall: time, tz: str) -> datetime:
    """The UTC instant of a wall time on a local date; a time skipped by DST lands just after the gap."""
    # fold=0: an ambiguous time (fall back) is its first occurrence; a skipped one maps past the gap.
    return datetime.combine(day, wall).replace(tzinfo=zone(tz), fold=0).astimezone(UTC)


def is_allowed(instant: datetime, tz: str, quiet: QuietHours) -> bool:
    """True when the local time is inside the allowed window [start, end)."""
    wall = local(instant, tz).time().replace(tzinfo=None)
    return quiet.start <= wall < quiet.end


def latest_allowed_at_or_before(instant: datetime, tz: str, quiet: QuietHours) -> datetime:
    """The instant itself when allowed, else the last allowed minute before it."""
    if is_allowed(instant, tz, quiet):
        return instant
    wall = local(instant, tz)
    day = wall.date() if wall.time() >= quiet.end else wall.date() - timedelta(days=1)
    candidate = at_local(day, quiet.end, tz) - _STEP
    while not is_allowed(candidate, tz, quiet):  # only when a DST change touches the window's edge
        candidate -= _STEP
    return candidate


def earliest_allowed_at_or_after(instant: datetime, tz: str, quiet: QuietHours) -> datetime:
    """The instant itself when allowed, else the first allowed moment after it."""
    if is_allowed(instant, tz, quiet):
        return instant
    wall = local(instant, tz)
    day = wall.date() if wall.time() < quiet.start else wall.date() + timedelta(days=1)
    candidate = at_local(day, quiet.start, tz)
    while not is_allowed(candidate, tz, quiet):
        candidate += _STEP
    return candidate


@lru_cache(maxsize=65536)
def week_start(instant: datetime, tz: str) -> date:
    """The local Monday of the instant's week."""
    day = local(instant, tz).date()
    return day - timedelta(days=day.weekday())


@lru_cache(maxsize=65536)
def local_day(instant: datetime, tz: str) -> date:
    return local(instant, tz).date()
