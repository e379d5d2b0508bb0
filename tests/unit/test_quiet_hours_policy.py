"""The one time policy both services apply: windows that wrap midnight, DST, equal edges refused everywhere."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from iop_notifier.domain.quiet_hours import next_allowed
from iop_notifier.settings import Settings as NotifierSettings
from iop_scheduler.domain import localtime
from iop_scheduler.domain.policy import QuietHours
from iop_scheduler.handlers.planning import policy_for
from iop_scheduler.settings import Settings as SchedulerSettings
from iop_shared.contracts.inbound import QuietHours as QuietHoursContract
from iop_shared.quiet_hours import (
    AllowedWindow,
    earliest_allowed_at_or_after,
    is_allowed,
    latest_allowed_at_or_before,
    zone,
)

pytestmark = pytest.mark.unit
ZONES = ["America/New_York", "America/Los_Angeles", "Europe/Madrid", "America/Puerto_Rico", "UTC",
         "Australia/Lord_Howe"]  # Lord Howe moves its clocks by 30 minutes
minutes = st.integers(0, 24 * 60 - 1).map(lambda m: time(m // 60, m % 60))
windows = st.tuples(minutes, minutes).filter(lambda w: w[0] != w[1]).map(lambda w: AllowedWindow(*w))
instants = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC))


@settings(max_examples=1000, deadline=None)
@given(instants, st.sampled_from(ZONES), windows)
def test_the_earliest_allowed_moment_is_allowed_and_nothing_allowed_is_skipped(
        at: datetime, tz: str, window: AllowedWindow) -> None:
    found = earliest_allowed_at_or_after(at, tz, window)
    assert found >= at and is_allowed(found, tz, window)
    if found > at:  # the minute before was still quiet: nothing allowed was skipped
        assert not is_allowed(found - timedelta(minutes=1), tz, window) or found - timedelta(minutes=1) < at
    assert found - at <= timedelta(hours=49)  # a spring-forward gap may swallow a short window for a day


@settings(max_examples=1000, deadline=None)
@given(instants, st.sampled_from(ZONES), windows)
def test_the_latest_allowed_moment_is_allowed_and_not_later(at: datetime, tz: str, window: AllowedWindow) -> None:
    found = latest_allowed_at_or_before(at, tz, window)
    assert found <= at and is_allowed(found, tz, window)
    assert at - found <= timedelta(hours=49)


def test_a_night_shift_window_wraps_midnight_in_both_services() -> None:
    night = AllowedWindow(time(22, 0), time(6, 0))
    noon = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # 12:00 in New York
    assert not is_allowed(noon, "America/New_York", night)
    expected = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # 22:00 New York
    assert earliest_allowed_at_or_after(noon, "America/New_York", night) == expected
    assert next_allowed(noon, zone("America/New_York"), night) == expected
    assert localtime.earliest_allowed_at_or_after(noon, "America/New_York", QuietHours(time(22), time(6))) == expected
    assert latest_allowed_at_or_before(noon, "America/New_York", night) == datetime(2026, 12, 1, 10, 59, tzinfo=UTC)


def test_a_clinic_override_that_wraps_is_honoured_not_ignored() -> None:
    from iop_scheduler.adapters.repository import PatientRow
    from iop_scheduler.domain.policy import Policy

    fields = {f: None for f in PatientRow.__dataclass_fields__}
    row = PatientRow(**{**fields, "quiet_start": time(22, 0), "quiet_end": time(6, 0)})  # type: ignore[arg-type]
    assert policy_for(row, Policy()).quiet_hours == AllowedWindow(time(22, 0), time(6, 0))


def test_equal_edges_are_refused_at_ingest_in_the_settings_and_in_the_domain() -> None:
    with pytest.raises(ValidationError, match="start and end must differ"):
        QuietHoursContract(start=time(9), end=time(9))
    assert QuietHoursContract(start=time(22), end=time(6)).end == time(6)
    with pytest.raises(ValidationError, match="SCHEDULER_QUIET_START and SCHEDULER_QUIET_END must differ"):
        SchedulerSettings(IOP_ENVIRONMENT="development", quiet_start="08:00", quiet_end="08:00")
    with pytest.raises(ValidationError, match="NOTIFIER_QUIET_START and NOTIFIER_QUIET_END must differ"):
        NotifierSettings(IOP_ENVIRONMENT="development", quiet_start="08:00", quiet_end="08:00")
    with pytest.raises(ValueError, match="must differ"):
        AllowedWindow(time(8), time(8))
