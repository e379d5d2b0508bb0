"""Quiet hours: the local window in which messages may be sent, and the next allowed instant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class AllowedWindow:
    """Local wall-clock window in which sending is allowed: start inclusive, end exclusive."""

    start: time = time(8, 0)
    end: time = time(21, 0)

    def allows(self, local: time) -> bool:
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end  # a window that wraps midnight


def is_allowed(at: datetime, zone: ZoneInfo, window: AllowedWindow) -> bool:
    """Whether `at` falls inside the allowed window in the recipient's zone."""
    return window.allows(at.astimezone(zone).time().replace(tzinfo=None))


def next_allowed(at: datetime, zone: ZoneInfo, window: AllowedWindow) -> datetime:
    """The earliest instant at or after `at` when sending is allowed, in UTC."""
    if is_allowed(at, zone, window):
        return at.astimezone(UTC)
    local = at.astimezone(zone)
    day = local.date()
    for offset in range(3):
        # Building from the wall clock keeps 08:00 at 08:00 across daylight-saving changes.
        candidate = datetime.combine(day + timedelta(days=offset), window.start, tzinfo=zone)
        if candidate.astimezone(UTC) >= at.astimezone(UTC) and is_allowed(candidate, zone, window):
            return candidate.astimezone(UTC)
    raise ValueError("the allowed window is empty")
