"""The check-in cadence counts from the stored intake, whatever window of sessions planning reads."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iop_scheduler.domain.cadence import CadenceStep
from iop_scheduler.domain.localtime import local_day
from iop_scheduler.domain.model import PatientView, PlanInput, SessionView
from iop_scheduler.domain.planner import plan_patient
from iop_scheduler.domain.policy import Policy
from iop_shared.contracts.outbound import ReminderPurpose as P

pytestmark = pytest.mark.unit
ZONES = ["America/New_York", "Europe/London", "Australia/Lord_Howe", "UTC"]
INTAKE = datetime(2026, 3, 2, 15, tzinfo=UTC)  # spans the US and EU DST changes over days 0..60
POLICY = Policy(checkin_time=time(19, 0), cap_per_day=0, cap_per_week=0,
                program_cadences=(("prog-a", (CadenceStep("phq9", 14),)),))


def _session(day: int, program: str = "prog-a") -> SessionView:
    start = INTAKE + timedelta(days=day)
    return SessionView(f"s{day}", "c1", start, start + timedelta(hours=2), ("p1",), 1, program_id=program)


def _prompts(days: list[int], now: datetime, zone: str, intakes: dict[str, datetime]) -> dict[date, str | None]:
    inp = PlanInput(PatientView("p1", "c1", zone), tuple(_session(d) for d in days), zone=zone, intakes=intakes)
    return {local_day(r.due_at, zone): r.checkin_kind for r in plan_patient(inp, POLICY, now).reminders
            if r.purpose is P.checkin_prompt}


@settings(max_examples=150, deadline=None)
@given(zone=st.sampled_from(ZONES), attended=st.sets(st.integers(1, 60), min_size=1),
       now_day=st.integers(0, 59), lookback=st.integers(0, 30))
def test_prompts_fall_on_intake_plus_14k_whatever_window_planning_reads(
        zone: str, attended: set[int], now_day: int, lookback: int) -> None:
    now = INTAKE + timedelta(days=now_day, hours=-1)
    # planning reads only the sessions of its window: from `lookback` days back to the end of the schedule
    window = sorted(d for d in attended if d >= now_day - lookback)
    got = _prompts(window, now, zone, {"prog-a": INTAKE, "*": INTAKE})
    intake = local_day(INTAKE, zone)
    ahead = {local_day(_session(d).starts_at, zone) for d in window if d >= now_day}
    assert set(got) == ahead  # one prompt for each day still ahead, none for the past
    for day, kind in got.items():
        assert kind == ("phq9" if (day - intake).days % 14 == 0 else None), (day, now_day, lookback)


def test_a_session_read_before_the_stored_intake_moves_it_back() -> None:
    """A session not yet stored (planning ran before its upsert's intake write) still counts, when earlier."""
    got = _prompts([0, 3], INTAKE - timedelta(days=1), "UTC", {"prog-a": INTAKE + timedelta(days=3)})
    assert got == {local_day(INTAKE, "UTC"): "phq9", local_day(INTAKE, "UTC") + timedelta(days=3): None}


def test_without_a_stored_intake_the_first_session_read_is_the_intake() -> None:
    got = _prompts([20, 34], INTAKE + timedelta(days=19), "UTC", {})
    assert got == {local_day(INTAKE, "UTC") + timedelta(days=20): "phq9",
                   local_day(INTAKE, "UTC") + timedelta(days=34): "phq9"}
