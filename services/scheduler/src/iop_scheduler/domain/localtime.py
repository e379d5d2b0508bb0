"""Wall-clock arithmetic in a patient's IANA zone, correct across daylight-saving changes."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from iop_shared.quiet_hours import (
    at_local,
    earliest_allowed_at_or_after,
    is_allowed,
    latest_allowed_at_or_before,
    zone,
)

# The quiet-hours maths is the shared time policy, the same the notifier applies; re-exported for the planner.
__all__ = ["at_local", "earliest_allowed_at_or_after", "is_allowed", "latest_allowed_at_or_before", "local",
           "local_day", "week_start", "zone"]


def local(instant: datetime, tz: str) -> datetime:
    return instant.astimezone(zone(tz))


def week_start(instant: datetime, tz: str) -> date:
    """The local Monday of the instant's week."""
    day = local(instant, tz).date()
    return day - timedelta(days=day.weekday())


def local_day(instant: datetime, tz: str) -> date:
    return local(instant, tz).date()
