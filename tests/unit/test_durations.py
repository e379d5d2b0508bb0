"""One duration convention: every service reads 90s, 15m, 72h, 7d, 1h30m, PT15M and bare seconds alike."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from iop_attendance.settings import Settings as AttendanceSettings
from iop_dashboard.settings import Settings as DashboardSettings
from iop_notifier.settings import Settings as NotifierSettings
from iop_scheduler.settings import Settings as SchedulerSettings
from iop_shared.durations import parse_duration, parse_durations

pytestmark = pytest.mark.unit
whole_seconds = st.integers(min_value=0, max_value=400 * 86400)


@given(whole_seconds)
def test_every_form_of_the_same_duration_reads_the_same(seconds: int) -> None:
    d, rest = divmod(seconds, 86400)
    h, rest = divmod(rest, 3600)
    m, s = divmod(rest, 60)
    expected = timedelta(seconds=seconds)
    forms = [f"{seconds}s", str(seconds), f"{d}d{h}h{m}m{s}s", f"{d}d {h}h {m}m {s}s", f"P{d}DT{h}H{m}M{s}S"]
    assert {parse_duration(f) for f in forms} == {expected}


@pytest.mark.parametrize("text", ["soon", "", "-5m", "inf", "nan", "1e400", "P1X", "15 parsecs", "72hours ago"])
def test_what_names_no_duration_is_refused_without_echoing_it(text: str) -> None:
    with pytest.raises(ValueError, match="duration") as caught:
        parse_duration(text)
    assert text == "" or text not in str(caught.value)


def test_a_list_of_durations_and_booleans() -> None:
    assert parse_durations("72h, 24h,") == [timedelta(hours=72), timedelta(hours=24)]
    assert parse_durations("0.5m,1.5h,PT0.5S") == [timedelta(seconds=30), timedelta(minutes=90), timedelta(seconds=0.5)]
    assert parse_durations("") == []
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(True)


def test_each_service_reads_the_same_duration_from_its_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOP_ENVIRONMENT", "development")
    for name, value in {"SCHEDULER_CHANGE_SETTLE": "15m", "ATTENDANCE_MISSED_GRACE": "15m",
                        "DASHBOARD_REFRESH_INTERVAL": "15m", "NOTIFIER_ESCALATE_AFTER_S": "15m",
                        "IOP_OUTBOX_RETENTION": "PT15M"}.items():
        monkeypatch.setenv(name, value)
    quarter = timedelta(minutes=15)
    assert SchedulerSettings().change_settle == quarter
    assert AttendanceSettings().missed_grace == quarter
    assert DashboardSettings().refresh_interval == quarter
    notifier = NotifierSettings()
    assert notifier.escalate_after_s == quarter.total_seconds() == notifier.outbox_retention
    monkeypatch.setenv("NOTIFIER_ESCALATE_AFTER_S", "900")  # a number stays seconds, as before
    assert NotifierSettings().escalate_after_s == 900.0
    monkeypatch.setenv("ATTENDANCE_MISSED_GRACE", "a while")
    with pytest.raises(ValidationError, match="missed_grace"):
        AttendanceSettings()
