"""The rules' walk back over ended weeks lists exactly what the dashboard's weekly_hours lists, in every zone."""

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iop_attendance.domain.timeline import latest_ended_weeks, week_end, weekly_hours
from iop_devkit.attendance import T0, visit
from iop_shared.contracts.inbound import AttendanceStatus

pytestmark = pytest.mark.unit
# DST at local midnight (Santiago), half-hour DST (Lord Howe), both hemispheres, no DST, and UTC.
ZONES = ["America/Santiago", "Australia/Lord_Howe", "America/New_York", "Europe/London", "Asia/Kolkata", "UTC"]
STATUSES = st.sampled_from([None, *AttendanceStatus])
VISITS = st.lists(st.tuples(st.integers(0, 24 * 120), STATUSES, st.booleans(), st.sampled_from([1.5, 3.0])),
                  max_size=40)


@settings(max_examples=300, deadline=None)
@given(VISITS, st.sampled_from(ZONES), st.integers(0, 24 * 130), st.integers(1, 4))
def test_latest_ended_weeks_match_weekly_hours(raw: list[tuple[int, AttendanceStatus | None, bool, float]],
                                               zone: str, now_hours: int, count: int) -> None:
    start = T0 - timedelta(days=1)
    visits = sorted((visit(0, status, expected=expected, hours=hours, start=start + timedelta(hours=h))
                     for h, status, expected, hours in raw), key=lambda v: (v.starts_at, v.session_id))
    now = start + timedelta(hours=now_hours)
    expected = [w for w in weekly_hours(visits, zone) if w.scheduled_hours > 0 and week_end(w.week_start, zone) <= now]
    assert latest_ended_weeks(visits, zone, now, count) == expected[-count:]
