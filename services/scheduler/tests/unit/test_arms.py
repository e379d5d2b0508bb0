"""Experiment cadence arms in the pure planner: an arm's offsets before the sessions of its window; the control
(and every session outside the window or its programs) keeps the default 72h + 24h, then 24h."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from iop_scheduler.domain.arms import cadence_offsets, cadences_of, later_offsets, session_offsets
from iop_scheduler.domain.model import PatientView, PlanInput, SessionView
from iop_scheduler.domain.planner import plan_patient
from iop_scheduler.domain.policy import Policy
from iop_scheduler.settings import Settings
from iop_shared.contracts.outbound import ReminderPurpose as P
from iop_shared.experiments import Experiment, assign

pytestmark = pytest.mark.unit
NY = "America/New_York"
UNCAPPED = Policy(checkin_time=None, cap_per_day=0, cap_per_week=0)
H = timedelta(hours=1)


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(NY)).astimezone(UTC)


def session(sid: str, start: datetime) -> SessionView:
    return SessionView(sid, "c1", start, start + 3 * H, ("p1",), 1)


def dues(sessions: list[SessionView], offsets: dict[str, tuple[timedelta, ...]], now: datetime) -> list[
        tuple[str, datetime]]:
    inp = PlanInput(PatientView("p1", "c1", NY), tuple(sessions), zone=NY, session_offsets=offsets)
    return [(r.session_ids[0], r.due_at) for r in plan_patient(inp, UNCAPPED, now).reminders
            if r.purpose is P.upcoming_session]  # not the weekly schedule message


def experiment(**extra: object) -> Experiment:
    return Experiment.model_validate({
        "experiment_id": "exp-c", "clinic_id": "c1", "starts_at": "2026-06-01T00:00:00Z",
        "ends_at": "2026-07-01T00:00:00Z", "arms": [
            {"name": "control", "control": True, "cadence": ["1h"]},  # a control's cadence is never applied
            {"name": "late-nudge", "cadence": ["48h", "2h"]}, {"name": "wording", "template_variant": "Hi"}],
        **extra})


def patient_in(e: Experiment, arm: str) -> str:
    return next(p for p in (f"p{i}" for i in range(500)) if assign(e, p).name == arm)


def test_an_arm_cadence_replaces_the_first_session_offsets() -> None:
    s1 = session("s1", ny(2026, 6, 10, 10))
    assert dues([s1], {}, ny(2026, 6, 1, 9)) == [("s1", ny(2026, 6, 7, 10)), ("s1", ny(2026, 6, 9, 10))]
    assert dues([s1], {"s1": (48 * H, 2 * H)}, ny(2026, 6, 1, 9)) == [
        ("s1", ny(2026, 6, 8, 10)), ("s1", ny(2026, 6, 10, 8))]


def test_later_sessions_get_the_arms_offsets_within_the_default_one() -> None:
    s1, s2 = session("s1", ny(2026, 6, 8, 10)), session("s2", ny(2026, 6, 10, 10))
    arm = (72 * H, 24 * H, 2 * H)
    assert dues([s1, s2], {"s1": arm, "s2": arm}, ny(2026, 6, 1, 9)) == [
        ("s1", ny(2026, 6, 5, 10)), ("s1", ny(2026, 6, 7, 10)), ("s1", ny(2026, 6, 8, 8)),
        ("s2", ny(2026, 6, 9, 10)), ("s2", ny(2026, 6, 10, 8))]
    # Only s2 in the arm (s1 before the window): s1 keeps the default, s2 gets 24h and 2h.
    assert dues([s1, s2], {"s2": arm}, ny(2026, 6, 1, 9)) == [
        ("s1", ny(2026, 6, 5, 10)), ("s1", ny(2026, 6, 7, 10)), ("s2", ny(2026, 6, 9, 10)),
        ("s2", ny(2026, 6, 10, 8))]
    assert later_offsets((48 * H,), 24 * H) == [48 * H]  # nothing within the default: its nearest


def test_an_arm_of_the_default_offsets_plans_what_the_control_does() -> None:
    sessions = [session(f"s{i}", ny(2026, 6, 3 + 2 * i, 10)) for i in range(5)]
    default = {s.session_id: (72 * H, 24 * H) for s in sessions}
    assert dues(sessions, default, ny(2026, 6, 1, 9)) == dues(sessions, {}, ny(2026, 6, 1, 9))


def test_only_the_patients_of_a_cadence_arm_and_the_sessions_of_its_window_and_programs() -> None:
    e = experiment()
    nudged, control, wording = (patient_in(e, a) for a in ("late-nudge", "control", "wording"))
    [arm] = cadences_of([e], nudged, "c1")
    assert arm.offsets == (48 * H, 2 * H) and arm.arm == "late-nudge"
    assert cadences_of([e], control, "c1") == () and cadences_of([e], wording, "c1") == ()
    assert cadences_of([e], nudged, "another-clinic") == () and cadences_of([e], nudged, None) == ()
    inside, outside = session("in", ny(2026, 6, 10, 10)), session("out", ny(2026, 7, 2, 10))
    assert session_offsets([arm], [inside, outside], {}) == {"in": (48 * H, 2 * H)}
    [scoped] = cadences_of([experiment(programs=["prog-a"])], nudged, "c1")
    assert session_offsets([scoped], [inside], {"in": "prog-b"}) == {}
    assert session_offsets([scoped], [inside], {"in": "prog-a"}) == {"in": (48 * H, 2 * H)}


@pytest.mark.parametrize("cadence", [["0h"], ["soon"], ["2h", "-1h"]])
def test_a_cadence_must_be_positive_durations(cadence: list[str]) -> None:
    with pytest.raises(ValueError, match=r"duration|positive"):
        cadence_offsets(cadence)


def test_settings_take_experiments_and_refuse_a_cadence_that_is_not_durations() -> None:
    good = experiment().model_dump(mode="json")
    assert Settings(IOP_ENVIRONMENT="development", experiments=[good]).experiments[0].experiment_id == "exp-c"
    bad = {**good, "arms": [*good["arms"][:1], {"name": "late-nudge", "cadence": ["soon"]}]}
    with pytest.raises(ValidationError, match=r"experiments\.0: arm late-nudge: cadence") as refused:
        Settings(IOP_ENVIRONMENT="development", experiments=[bad])
    assert "soon" not in str(refused.value).split("input_value")[0]  # the reason names the arm, not the value
