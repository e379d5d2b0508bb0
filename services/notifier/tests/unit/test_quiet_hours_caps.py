from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iop_notifier.domain.caps import Caps, cap_reached
from iop_notifier.domain.quiet_hours import AllowedWindow, is_allowed, next_allowed

ZONES = ["America/New_York", "America/Los_Angeles", "America/Phoenix", "Europe/Madrid", "Pacific/Auckland"]
WINDOW = AllowedWindow(time(8), time(21))
instants = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31),
                        timezones=st.just(UTC))


@pytest.mark.unit
@given(at=instants, zone=st.sampled_from(ZONES))
def test_next_allowed_is_allowed_not_earlier_and_within_a_day(at: datetime, zone: str) -> None:
    tz = ZoneInfo(zone)
    result = next_allowed(at, tz, WINDOW)
    assert result >= at
    assert is_allowed(result, tz, WINDOW)
    assert result - at < timedelta(hours=13)
    if result > at:  # nothing allowed in between: the minute before is still quiet
        assert not is_allowed(result - timedelta(minutes=1), tz, WINDOW)
        assert result.astimezone(tz).time() == time(8)


@pytest.mark.unit
def test_quiet_hours_follow_daylight_saving_start() -> None:
    tz = ZoneInfo("America/New_York")
    at = datetime(2026, 3, 8, 6, 30, tzinfo=tz)  # the morning clocks jump to EDT
    assert next_allowed(at, tz, WINDOW) == datetime(2026, 3, 8, 8, 0, tzinfo=tz)
    assert next_allowed(at, tz, WINDOW).astimezone(UTC).hour == 12


@pytest.mark.unit
def test_evening_defers_to_next_morning_and_window_end_is_exclusive() -> None:
    tz = ZoneInfo("America/Chicago")
    assert not is_allowed(datetime(2026, 5, 1, 21, 0, tzinfo=tz), tz, WINDOW)
    assert is_allowed(datetime(2026, 5, 1, 20, 59, tzinfo=tz), tz, WINDOW)
    assert next_allowed(datetime(2026, 5, 1, 22, 15, tzinfo=tz), tz, WINDOW) == datetime(2026, 5, 2, 8, tzinfo=tz)


@pytest.mark.unit
def test_a_window_that_wraps_midnight() -> None:
    tz = ZoneInfo("UTC")
    night = AllowedWindow(time(22), time(2))
    assert is_allowed(datetime(2026, 1, 1, 23, tzinfo=tz), tz, night)
    assert next_allowed(datetime(2026, 1, 1, 12, tzinfo=tz), tz, night) == datetime(2026, 1, 1, 22, tzinfo=tz)


@pytest.mark.unit
def test_caps_count_local_days_and_iso_weeks() -> None:
    tz = ZoneInfo("America/Los_Angeles")
    caps = Caps(per_day=1, per_week=3)
    monday = datetime(2026, 6, 1, 10, tzinfo=tz)
    assert not cap_reached(monday, [], tz, caps)
    assert cap_reached(monday + timedelta(hours=5), [monday], tz, caps)
    assert not cap_reached(monday + timedelta(days=1), [monday], tz, caps)
    three = [monday, monday + timedelta(days=1), monday + timedelta(days=2)]
    assert cap_reached(monday + timedelta(days=3), three, tz, caps)
    assert not cap_reached(monday + timedelta(days=7), three, tz, caps)  # a new week


@pytest.mark.unit
@given(sends=st.lists(instants, max_size=12), at=instants)
def test_cap_never_allows_more_than_the_daily_limit(sends: list[datetime], at: datetime) -> None:
    tz = ZoneInfo("America/New_York")
    same_day = [s for s in sends if s.astimezone(tz).date() == at.astimezone(tz).date()]
    if same_day:
        assert cap_reached(at, sends, tz, Caps(per_day=1, per_week=3))
