"""Each program's instrument cadence: a patient's check-in prompts follow the program of their sessions."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iop_scheduler.domain.cadence import CadenceStep, checkin_kind, prompt_kind
from iop_scheduler.domain.localtime import local_day
from iop_scheduler.domain.model import PatientView, PlanInput, SessionView
from iop_scheduler.domain.planner import plan_patient
from iop_scheduler.domain.policy import Policy
from iop_scheduler.settings import Settings
from iop_shared.contracts.outbound import ReminderPurpose as P

pytestmark = pytest.mark.unit
NY = "America/New_York"
PHQ = (CadenceStep("phq9", 14), CadenceStep("gad7", 7))
GAD = (CadenceStep("gad2", 3, at_intake=False),)
START = datetime(2026, 3, 2, 10, tzinfo=ZoneInfo(NY)).astimezone(UTC)  # a Monday before the US DST change


def _policy(default: tuple[CadenceStep, ...] = ()) -> Policy:
    return Policy(checkin_time=time(19, 0), cap_per_day=0, cap_per_week=0, checkin_cadence=default,
                  program_cadences=(("prog-a", PHQ), ("prog-b", GAD)))


def _sessions(program: str | None, days: list[int], prefix: str = "s") -> tuple[SessionView, ...]:
    return tuple(SessionView(f"{prefix}{d}", "c1", START + timedelta(days=d), START + timedelta(days=d, hours=3),
                             ("p1",), 1, program_id=program) for d in days)


def _kinds(sessions: tuple[SessionView, ...], policy: Policy, now: datetime = START - timedelta(days=1),
           zone: str = NY) -> dict[date, str | None]:
    inp = PlanInput(PatientView("p1", "c1", zone), sessions, zone=zone)
    return {local_day(r.due_at, zone): r.checkin_kind for r in plan_patient(inp, policy, now).reminders
            if r.purpose is P.checkin_prompt}


def test_each_program_follows_its_own_schedule_from_its_own_intake() -> None:
    days = [0, 3, 6, 7, 14]
    a = _kinds(_sessions("prog-a", days), _policy())
    b = _kinds(_sessions("prog-b", days), _policy())
    day = local_day(START, NY)
    assert [a[day + timedelta(days=d)] for d in days] == ["phq9", None, None, "gad7", "phq9"]
    assert [b[day + timedelta(days=d)] for d in days] == [None, "gad2", "gad2", None, None]


def test_programs_without_their_own_schedule_follow_the_every_program_one() -> None:
    day = local_day(START, NY)
    assert _kinds(_sessions("prog-c", [0, 7]), _policy((CadenceStep("craving", 7),))) == {
        day: "craving", day + timedelta(days=7): "craving"}
    assert set(_kinds(_sessions("prog-c", [0, 7]), _policy()).values()) == {None}  # no "*": the neutral prompt
    assert _kinds(_sessions(None, [0]), _policy((CadenceStep("craving", 7),)))[day] == "craving"  # rows before 0016


def test_a_day_with_two_programs_takes_the_first_step_due_named_programs_before_every_program() -> None:
    assert prompt_kind({"*": PHQ, "prog-b": GAD}, {"*": date(2026, 3, 2), "prog-b": date(2026, 2, 27)},
                       ["*", "prog-b"], date(2026, 3, 2)) == "gad2"
    assert prompt_kind({"*": PHQ, "prog-b": GAD}, {"*": date(2026, 3, 2)}, ["prog-b", "*"], date(2026, 3, 2)) == "phq9"
    assert prompt_kind({"*": ()}, {}, [], date(2026, 3, 2)) is None


def test_the_every_program_one_may_not_hide_among_named_programs() -> None:
    with pytest.raises(ValueError, match="every-program"):
        Policy(program_cadences=(("*", PHQ),))


@st.composite
def two_program_patients(draw: st.DrawFn) -> tuple[tuple[SessionView, ...], tuple[SessionView, ...], datetime, str]:
    zone = draw(st.sampled_from([NY, "Europe/London", "Australia/Lord_Howe", "UTC"]))
    mine = draw(st.lists(st.integers(-10, 40), min_size=1, max_size=10, unique=True))
    others = draw(st.lists(st.integers(-10, 40), max_size=10, unique=True))
    hour = draw(st.integers(0, 12))
    now = START + timedelta(days=draw(st.integers(-3, 10)), hours=draw(st.integers(0, 23)))
    a = tuple(replace(s, starts_at=s.starts_at + timedelta(hours=hour), ends_at=s.ends_at + timedelta(hours=hour))
              for s in _sessions("prog-a", mine, "a"))
    return a, _sessions(draw(st.sampled_from(["prog-b", "prog-c"])), others, "o"), now, zone


@settings(max_examples=200, deadline=None)
@given(two_program_patients())
def test_another_programs_sessions_never_change_a_programs_prompts(
        case: tuple[tuple[SessionView, ...], tuple[SessionView, ...], datetime, str]) -> None:
    mine, others, now, zone = case
    policy = _policy((CadenceStep("craving", 5),))
    alone = _kinds(mine, policy, now, zone)
    together = _kinds(mine + others, policy, now, zone)
    other_days = {local_day(s.starts_at, zone) for s in others}
    intake = min(local_day(s.starts_at, zone) for s in mine)
    for day, kind in alone.items():
        assert kind == checkin_kind(PHQ, intake, day)  # counted from the program's first session
        if day not in other_days:
            assert together[day] == kind
    # a prompt only ever opens a configured step of one of its schedules
    assert set(together.values()) <= {None, "phq9", "gad7", "gad2", "craving"}


def test_the_setting_takes_programs_and_keeps_the_bare_list_as_every_program() -> None:
    bare = Settings(IOP_ENVIRONMENT="development", checkin_cadence='[{"instrument": "phq9", "every_days": 14}]')
    assert bare.policy().checkin_cadence == (CadenceStep("phq9", 14),) and bare.policy().program_cadences == ()
    per = Settings(IOP_ENVIRONMENT="development", checkin_cadence=(
        '{"prog-b": [{"kind": "gad2", "every_days": 3, "at_intake": false}],'
        ' "prog-a": [{"kind": "phq9", "every_days": 14}, {"instrument": "gad7", "every_days": 7}], "*": []}'))
    assert per.policy().program_cadences == (("prog-a", PHQ), ("prog-b", GAD))
    assert per.policy().checkin_cadence == ()
    assert Settings(IOP_ENVIRONMENT="development").policy().cadences() == {"*": ()}


@pytest.mark.parametrize("value", ['{"prog-a": [{"kind": "bdi", "every_days": 7}]}', "{not json",
                                   '{"prog-a": [{"kind": "phq9", "every_days": 0}]}', '{" ": []}', '"phq9"',
                                   '{"prog-a": [{"kind": "phq9", "every_days": 7, "when": "soon"}]}'])
def test_a_bad_cadence_stops_the_start_naming_the_setting(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHEDULER_CHECKIN_CADENCE", value)
    with pytest.raises(ValueError, match="SCHEDULER_CHECKIN_CADENCE") as err:
        Settings(IOP_ENVIRONMENT="development")
    assert "soon" not in str(err.value) and "bdi" not in str(err.value)
