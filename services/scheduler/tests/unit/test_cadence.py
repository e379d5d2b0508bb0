"""A program's instrument cadence: which check-in a prompt opens (checkin_kind), counted from intake."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from iop_scheduler.domain.cadence import CadenceStep, checkin_kind
from iop_scheduler.domain.model import PatientView, PlanInput, SessionView
from iop_scheduler.domain.planner import plan_patient
from iop_scheduler.domain.policy import Policy
from iop_scheduler.handlers.dispatch import reminder_event
from iop_scheduler.settings import Settings
from iop_shared.contracts.outbound import CheckinKind
from iop_shared.contracts.outbound import ReminderPurpose as P

NY = "America/New_York"
CADENCE = (CadenceStep("phq9", 14), CadenceStep("gad7", 7))
pytestmark = pytest.mark.unit


def test_intake_then_every_n_days_first_step_wins() -> None:
    intake = date(2026, 6, 1)
    kinds = {d: checkin_kind(CADENCE, intake, intake + timedelta(days=d)) for d in (0, 1, 7, 14, 21, 28)}
    assert kinds == {0: "phq9", 1: None, 7: "gad7", 14: "phq9", 21: "gad7", 28: "phq9"}
    assert checkin_kind((CadenceStep("gad7", 7, at_intake=False),), intake, intake) is None
    assert checkin_kind(CADENCE, intake, intake - timedelta(days=14)) is None
    with pytest.raises(ValueError, match="every_days"):
        CadenceStep("phq9", 0)


def test_the_planner_sets_checkin_kind_on_prompts_and_the_event_carries_it() -> None:
    start = datetime(2026, 6, 1, 10, tzinfo=ZoneInfo(NY)).astimezone(UTC)
    sessions = tuple(SessionView(f"s{i}", "c1", start + timedelta(days=i), start + timedelta(days=i, hours=3),
                                 ("p1",), 1) for i in range(0, 15))
    policy = Policy(checkin_time=time(19, 0), cap_per_day=0, cap_per_week=0, checkin_cadence=CADENCE)
    inp = PlanInput(PatientView("p1", "c1", NY, False), sessions, frozenset(), (), NY)
    prompts = [r for r in plan_patient(inp, policy, start - timedelta(days=1)).reminders
               if r.purpose is P.checkin_prompt]
    by_day = {r.due_at.astimezone(ZoneInfo(NY)).day: r.checkin_kind for r in prompts}
    assert by_day[1] == "phq9" and by_day[8] == "gad7" and by_day[15] == "phq9" and by_day[2] is None
    event = reminder_event(next(r for r in prompts if r.checkin_kind == "phq9"), start)
    assert event.data.checkin_kind is CheckinKind.phq9
    assert reminder_event(next(r for r in prompts if r.checkin_kind is None), start).data.checkin_kind is None


def test_the_cadence_is_configuration() -> None:
    s = Settings(IOP_ENVIRONMENT="development",
                 checkin_cadence=[{"instrument": "phq9", "every_days": 14}, {"instrument": "gad7", "every_days": 7}])
    assert s.policy().checkin_cadence == CADENCE
    with pytest.raises(ValueError, match="instrument"):
        Settings(IOP_ENVIRONMENT="development", checkin_cadence=[{"instrument": "bdi", "every_days": 7}])
