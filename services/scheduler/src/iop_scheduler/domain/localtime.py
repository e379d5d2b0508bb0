"""Wall-clock arithmetic in a patient's IANA zone, correct across daylight-saving changes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

from iop_shared.quiet_hours import (
    at_local,
    earliest_allowed_at_or_after,
    is_allowed,
    latest_allowed_at_or_before,
    zone,
)

# The quiet-hours maths is the shared time policy, the same the notifier applies; re-exported for the planner.
__all__ = ["at_local", "at_local_cached", "earliest_allowed_at_or_after", "is_allowed", "latest_allowed_at_or_before",
           "local", "local_day", "week_start", "zone"]


# The planner converts the same few instants (a group's session times) again and again for every patient it
# plans: the conversions are pure, so they are remembered (bounded) rather than recomputed.
@lru_cache(maxsize=65536)
def local(instant: datetime, tz: str) -> datetime:
    return instant.astimezone(zone(tz))


@lru_cache(maxsize=65536)
def week_start(instant: datetime, tz: str) -> date:
    """The local Monday of the instant's week."""
    day = local(instant, tz).date()
    return day - timedelta(days=day.weekday())


@lru_cache(maxsize=65536)
def local_day(instant: datetime, tz: str) -> date:
    return local(instant, tz).date()


@lru_cache(maxsize=65536)
def at_local_cached(day: date, wall: time, tz: str) -> datetime:
    """at_local, remembered: a group's patients share their session days, so the same few are asked again."""
    return at_local(day, wall, tz)
