"""The one time policy the scheduler and the notifier share: the local window in which a patient may be messaged.

A window is start inclusive, end exclusive, in the recipient's wall clock; it may wrap midnight (22:00-06:00 for a
night-shift patient). Equal start and end are refused: it would mean either never or always, and nobody can say
which was meant. Instants are built from the wall clock, so 08:00 stays 08:00 across daylight-saving changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

_STEP = timedelta(minutes=1)
_MAX_STEPS = 3 * 60  # a daylight-saving change moves an edge by an hour at most; this bounds every search
EQUAL_EDGES = "quiet hours: start and end must differ (equal would mean never or always)"


@dataclass(frozen=True)
class AllowedWindow:
    """Local wall-clock window in which sending is allowed: start inclusive, end exclusive, may wrap midnight."""

    start: time = time(8, 0)
    end: time = time(21, 0)

    def __post_init__(self) -> None:
        if self.start == self.end:
            raise ValueError(EQUAL_EDGES)

    @property
    def wraps(self) -> bool:
        return self.end < self.start

    def allows(self, wall: time) -> bool:
        if not self.wraps:
            return self.start <= wall < self.end
        return wall >= self.start or wall < self.end


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    """The IANA zone of that name (cached: planning asks for the same few zones millions of times)."""
    return ZoneInfo(name)


def _zone(tz: str | ZoneInfo) -> ZoneInfo:
    return tz if isinstance(tz, ZoneInfo) else zone(tz)


def at_local(day: date, wall: time, tz: str | ZoneInfo) -> datetime:
    """The UTC instant of a wall time on a local date; a time skipped by DST lands just after the gap."""
    # fold=0: an ambiguous time (fall back) is its first occurrence; a skipped one maps past the gap.
    return datetime.combine(day, wall).replace(tzinfo=_zone(tz), fold=0).astimezone(UTC)


@lru_cache(maxsize=65536)
def _wall(instant: datetime, tz: str | ZoneInfo) -> time:
    # The planner asks about the same few instants (a group's session times) for every patient: remembered.
    return instant.astimezone(_zone(tz)).time().replace(tzinfo=None)


def is_allowed(instant: datetime, tz: str | ZoneInfo, window: AllowedWindow) -> bool:
    """Whether the instant falls inside the allowed window in that zone."""
    return window.allows(_wall(instant, tz))


def earliest_allowed_at_or_after(instant: datetime, tz: str | ZoneInfo, window: AllowedWindow) -> datetime:
    """The instant itself when allowed, else the first allowed moment after it (the window's next start)."""
    if is_allowed(instant, tz, window):
        return instant
    wall = instant.astimezone(_zone(tz))
    first = wall.date() if wall.time().replace(tzinfo=None) < window.start else wall.date() + timedelta(days=1)
    for day in (first + timedelta(days=n) for n in range(3)):  # a DST gap may swallow a short window one day
        candidate = at_local(day, window.start, tz)
        for _ in range(_MAX_STEPS):
            if candidate >= instant and is_allowed(candidate, tz, window):
                return _back_to_first(candidate, instant, tz, window)
            candidate += _STEP  # only when a DST change touches the window's edge
    raise ValueError("no allowed time found in three days")  # unreachable for a valid window


def latest_allowed_at_or_before(instant: datetime, tz: str | ZoneInfo, window: AllowedWindow) -> datetime:
    """The instant itself when allowed, else the last allowed minute before it (just before the window's end)."""
    if is_allowed(instant, tz, window):
        return instant
    wall = instant.astimezone(_zone(tz))
    first = wall.date() if wall.time().replace(tzinfo=None) >= window.end else wall.date() - timedelta(days=1)
    for day in (first - timedelta(days=n) for n in range(3)):
        candidate = at_local(day, window.end, tz) - _STEP
        for _ in range(_MAX_STEPS):
            if candidate <= instant and is_allowed(candidate, tz, window):
                return _on_to_last(candidate, instant, tz, window)
            candidate -= _STEP
    raise ValueError("no allowed time found in three days")  # unreachable for a valid window


def _back_to_first(found: datetime, floor: datetime, tz: str | ZoneInfo, window: AllowedWindow) -> datetime:
    # A start inside a spring-forward gap maps past the gap's end: the minutes just after the gap are allowed too.
    for _ in range(_MAX_STEPS):
        earlier = found - _STEP
        if earlier < floor or not is_allowed(earlier, tz, window):
            return found
        found = earlier
    return found


def _on_to_last(found: datetime, ceiling: datetime, tz: str | ZoneInfo, window: AllowedWindow) -> datetime:
    for _ in range(_MAX_STEPS):
        later = found + _STEP
        if later > ceiling or not is_allowed(later, tz, window):
            return found
        found = later
    return found
