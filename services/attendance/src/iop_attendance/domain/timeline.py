"""Attendance rates and attended hours per week: used by the hours rule and the dashboard alike."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from iop_shared.contracts.inbound import AgeGroup, AttendanceStatus

from .model import Outcome, Visit


@dataclass(frozen=True)
class Rates:
    """Counts of concluded visits; excused and pending visits are in neither rate."""

    attended: int
    missed: int
    excused: int

    @property
    def attendance_rate(self) -> float | None:
        total = self.attended + self.missed
        return round(self.attended / total, 4) if total else None

    @property
    def no_show_rate(self) -> float | None:
        total = self.attended + self.missed
        return round(self.missed / total, 4) if total else None


@dataclass(frozen=True)
class WeekHours:
    """Attended against scheduled hours in one local calendar week (Monday start)."""

    week_start: date
    scheduled_hours: float
    attended_hours: float


def rates(visits: Iterable[Visit]) -> Rates:
    outcomes = [v.outcome for v in visits]
    return Rates(attended=outcomes.count(Outcome.attended), missed=outcomes.count(Outcome.missed),
                 excused=outcomes.count(Outcome.excused))


def week_of(at: datetime, timezone: str) -> date:
    """The Monday of the local week `at` falls in."""
    local = at.astimezone(ZoneInfo(timezone)).date()
    return local - timedelta(days=local.weekday())


def week_end(week_start: date, timezone: str) -> datetime:
    """The instant the local week ends (next Monday 00:00 local)."""
    nxt = week_start + timedelta(days=7)
    return datetime(nxt.year, nxt.month, nxt.day, tzinfo=ZoneInfo(timezone))


def attended_hours(visit: Visit, left_early_credit: float) -> float:
    if visit.outcome is not Outcome.attended:
        return 0.0
    return visit.hours * (left_early_credit if visit.status is AttendanceStatus.left_early else 1.0)


def weekly_hours(visits: Iterable[Visit], timezone: str, left_early_credit: float = 0.5) -> list[WeekHours]:
    """Per local week with any scheduled or attended visit, oldest first."""
    weeks: dict[date, tuple[float, float]] = {}
    for v in visits:
        if v.outcome is Outcome.void:
            continue
        start = week_of(v.starts_at, timezone)
        scheduled, attended = weeks.get(start, (0.0, 0.0))
        weeks[start] = (scheduled + (v.hours if v.expected else 0.0), attended + attended_hours(v, left_early_credit))
    return [WeekHours(w, round(s, 2), round(a, 2)) for w, (s, a) in sorted(weeks.items())]


def latest_ended_weeks(visits: Sequence[Visit], timezone: str, now: datetime, count: int,
                       left_early_credit: float = 0.5) -> list[WeekHours]:
    """The latest `count` ended local weeks with scheduled hours, oldest first (as weekly_hours would list them).

    Walks back from the newest visit (visits ordered by start) and converts zones once per week, not per visit:
    the rules evaluate this for every patient touched by a batch.
    """
    zone = ZoneInfo(timezone)
    this_week = week_of(now, timezone)
    current = _midnight(this_week, zone)  # the week still running: not counted
    week = this_week - timedelta(days=7)
    lower = _midnight(week, zone)
    found: list[WeekHours] = []
    scheduled = attended = 0.0
    for v in reversed(visits):
        if v.starts_at >= current:  # a void visit adds no hours either way
            continue
        while v.starts_at < lower:
            if scheduled > 0:
                found.append(WeekHours(week, round(scheduled, 2), round(attended, 2)))
                if len(found) == count:
                    return found[::-1]
            week -= timedelta(days=7)
            lower = _midnight(week, zone)
            scheduled = attended = 0.0
        scheduled += v.hours if v.expected else 0.0
        attended += attended_hours(v, left_early_credit)
    if scheduled > 0:
        found.append(WeekHours(week, round(scheduled, 2), round(attended, 2)))
    return found[::-1]


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone)


def minimum_hours(age_group: AgeGroup, adult: float, adolescent: float) -> float:
    """The level of care's weekly minimum for the patient's age group."""
    return adolescent if age_group is AgeGroup.adolescent else adult
