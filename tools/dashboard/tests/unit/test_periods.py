from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iop_dashboard.domain.periods import chart_period, local_day, week_starts

ZONES = st.sampled_from(["UTC", "America/New_York", "America/Los_Angeles", "Europe/London", "Australia/Lord_Howe",
                         "Asia/Kolkata", "America/Sao_Paulo", "Pacific/Chatham"])
INSTANTS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2060, 1, 1), timezones=st.just(UTC))


@pytest.mark.unit
@given(now=INSTANTS, zone=ZONES)
def test_today_contains_now_and_starts_at_local_midnight(now: datetime, zone: str) -> None:
    tz = ZoneInfo(zone)
    day, period = local_day(now, tz)
    assert period.start <= now < period.end
    assert period.start.astimezone(tz).date() == day
    assert period.end.astimezone(tz).date() == day + timedelta(days=1)
    assert timedelta(hours=22) <= period.end - period.start <= timedelta(hours=25)


@pytest.mark.unit
def test_a_spring_forward_day_in_new_york_has_23_hours() -> None:
    _, period = local_day(datetime(2026, 3, 8, 17, tzinfo=UTC), ZoneInfo("America/New_York"))
    assert period.end - period.start == timedelta(hours=23)
    assert period.start == datetime(2026, 3, 8, 5, tzinfo=UTC)


@pytest.mark.unit
@given(now=INSTANTS, zone=ZONES, weeks=st.integers(1, 52))
def test_weeks_are_consecutive_mondays_ending_with_this_week(now: datetime, zone: str, weeks: int) -> None:
    tz = ZoneInfo(zone)
    starts = week_starts(now, tz, weeks)
    assert len(starts) == weeks
    assert all(d.weekday() == 0 for d in starts)
    assert all(b - a == timedelta(weeks=1) for a, b in pairwise(starts))
    today = now.astimezone(tz).date()
    assert starts[-1] <= today < starts[-1] + timedelta(weeks=1)
    period = chart_period(now, tz, weeks)
    assert period.start <= now == period.end
    assert period.start.astimezone(tz).date() == starts[0]
