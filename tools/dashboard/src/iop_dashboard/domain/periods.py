"""Local days and weeks in the clinic's time zone, correct across daylight-saving changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Period:
    """A half-open UTC interval [start, end)."""

    start: datetime
    end: datetime


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The UTC instant the local day begins (a zone without midnight that day starts at its first valid time)."""
    return datetime.combine(day, time(0), tz).astimezone(UTC)


def local_day(now: datetime, tz: ZoneInfo) -> tuple[date, Period]:
    """Today's local date and its UTC bounds (23, 24 or 25 hours long)."""
    day = now.astimezone(tz).date()
    return day, Period(local_midnight(day, tz), local_midnight(day + timedelta(days=1), tz))


def week_starts(now: datetime, tz: ZoneInfo, weeks: int) -> list[date]:
    """The Mondays of the last `weeks` local weeks, oldest first, the current week last."""
    today = now.astimezone(tz).date()
    this_monday = today - timedelta(days=today.weekday())
    return [this_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def chart_period(now: datetime, tz: ZoneInfo, weeks: int) -> Period:
    """From the first charted Monday to now."""
    return Period(local_midnight(week_starts(now, tz, weeks)[0], tz), now.astimezone(UTC))
