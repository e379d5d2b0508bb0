"""Dispatch decisions, the APScheduler wake logic with a fake dispatcher, and settings parsing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from iop_scheduler.domain.dispatch import DueRow, skip_reason
from iop_scheduler.domain.model import Kind
from iop_scheduler.entrypoints.timers import WAKE_JOB, DispatchTimer
from iop_scheduler.settings import Settings

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def row(**changes: Any) -> DueRow:
    base: dict[str, Any] = {"reminder_id": "r", "kind": Kind.cadence, "purpose": "upcoming_session",
                            "due_at": NOW, "expires_at": NOW + timedelta(hours=1), "plan_version": 2,
                            "current_plan_version": 2, "discharged": False, "sessions_cancelled": False}
    return DueRow(**{**base, **changes})


@pytest.mark.unit
def test_skip_reasons() -> None:
    assert skip_reason(row(), NOW) is None
    assert skip_reason(row(expires_at=NOW), NOW) == "expired"
    assert skip_reason(row(discharged=True), NOW) == "discharged"
    assert skip_reason(row(plan_version=1), NOW) == "superseded"
    assert skip_reason(row(sessions_cancelled=True), NOW) == "cancelled"
    assert skip_reason(row(kind=Kind.notice, plan_version=1, sessions_cancelled=True), NOW) is None


class FakeDispatcher:
    def __init__(self, upcoming: datetime | None) -> None:
        self.runs = 0
        self.upcoming = upcoming
        self.timer: DispatchTimer | None = None

    async def dispatch_due(self) -> int:
        self.runs += 1
        if self.runs == 1 and self.timer is not None:
            self.timer.wake_at(datetime.now(UTC))  # a new plan arrives during the run
        await asyncio.sleep(0)
        return 0

    async def next_due(self) -> datetime | None:
        return self.upcoming


@pytest.mark.unit
async def test_one_wake_job_follows_the_next_due_time_and_runs_never_overlap() -> None:
    later = datetime.now(UTC) + timedelta(hours=1)
    fake = FakeDispatcher(later)
    timer = DispatchTimer(fake, timedelta(minutes=5), timedelta(milliseconds=200))  # type: ignore[arg-type]
    fake.timer = timer
    timer.start()
    try:
        for _ in range(100):
            job = timer.scheduler.get_job(WAKE_JOB)
            if fake.runs and job is not None and job.next_run_time == later:
                break
            await asyncio.sleep(0.02)
        assert fake.runs == 2  # the nudge during the run made it look again, once
        assert [j.id for j in timer.scheduler.get_jobs()].count(WAKE_JOB) == 1
        assert timer.scheduler.get_job(WAKE_JOB).next_run_time == later
        timer.wake_at(later + timedelta(minutes=1))  # a later nudge never postpones the wake
        assert timer.scheduler.get_job(WAKE_JOB).next_run_time == later
    finally:
        await timer.aclose()


@pytest.mark.unit
def test_settings_parse_the_demo_profile_and_reject_nonsense() -> None:
    s = Settings(first_offsets="3m,1m", quiet_start="00:00", weekly_day="Friday",
                 clinic_tokens='{"clinic-a": "t"}')
    policy = s.policy()
    assert policy.first_offsets == (timedelta(minutes=3), timedelta(minutes=1))
    assert policy.weekly_weekday == 4 and s.tokens() == {"t": "clinic-a"}
    assert '{"clinic-a": "t"}' not in repr(s)  # tokens are a SecretStr
    with pytest.raises(ValidationError, match="weekly_day"):
        Settings(weekly_day="someday")
    with pytest.raises(ValidationError, match="not a duration"):
        Settings(first_offsets="soon")
