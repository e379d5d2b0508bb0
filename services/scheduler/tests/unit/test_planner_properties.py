"""Property tests of the planner over random schedules, zones, DST days and policies."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iop_scheduler.domain.localtime import is_allowed, local_day, week_start
from iop_scheduler.domain.model import PastMessage, PatientView, PlanInput, SessionView
from iop_scheduler.domain.planner import plan_patient
from iop_scheduler.domain.policy import Policy, QuietHours
from iop_shared.contracts.outbound import ReminderPurpose as P

ZONES = ["America/New_York", "Europe/London", "Australia/Lord_Howe", "UTC", "Asia/Kolkata"]
# Days around the 2026 DST changes of those zones (US, EU, and Lord Howe's half-hour shifts).
DST_DAYS = [datetime(2026, 3, 8, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 3, 29, tzinfo=UTC),
            datetime(2026, 10, 25, tzinfo=UTC), datetime(2026, 4, 5, tzinfo=UTC), datetime(2026, 10, 4, tzinfo=UTC)]


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    if draw(st.booleans()):
        return Policy()
    start = time(draw(st.integers(5, 10)), draw(st.sampled_from([0, 15, 30])))
    end = time(draw(st.integers(17, 22)), draw(st.sampled_from([0, 30, 45])))
    return Policy(
        first_offsets=tuple(timedelta(hours=h) for h in draw(st.sets(st.integers(1, 96), min_size=1, max_size=3))),
        same_day_offset=draw(st.sampled_from([None, timedelta(hours=2)])),
        checkin_time=draw(st.sampled_from([None, time(19, 0), time(23, 30), time(6, 0)])),
        quiet_hours=QuietHours(start, end),
        cap_per_day=draw(st.integers(0, 2)), cap_per_week=draw(st.integers(0, 4)),
        weekly_weekday=draw(st.integers(0, 6)))


@st.composite
def plan_inputs(draw: st.DrawFn) -> tuple[PlanInput, datetime]:
    zone = draw(st.sampled_from(ZONES))
    now = draw(st.sampled_from(DST_DAYS)) + timedelta(minutes=draw(st.integers(-10 * 1440, 2 * 1440)))
    sessions = []
    for i in range(draw(st.integers(1, 8))):
        start = now + timedelta(minutes=draw(st.integers(-3 * 1440, 21 * 1440)))
        attendees = ("p1",) if draw(st.integers(0, 9)) else ("other",)
        sessions.append(SessionView(f"s{i}", "c1", start, start + timedelta(minutes=draw(st.integers(30, 240))),
                                    attendees, 1, cancelled=not draw(st.integers(0, 9))))
    confirmed = frozenset(s.session_id for s in sessions if draw(st.booleans()))
    history = tuple(PastMessage(f"h{i}", now - timedelta(minutes=draw(st.integers(1, 8 * 1440))),
                                draw(st.booleans())) for i in range(draw(st.integers(0, 3))))
    patient = PatientView("p1", "c1", zone)
    return PlanInput(patient, tuple(sessions), confirmed, history, zone), now


@pytest.mark.unit
@settings(max_examples=300, deadline=None)
@given(plan_inputs(), policies())
def test_never_in_quiet_hours_and_never_at_or_after_the_start(case: tuple[PlanInput, datetime],
                                                               policy: Policy) -> None:
    inp, now = case
    starts = {s.session_id: s for s in inp.sessions}
    for r in plan_patient(inp, policy, now).reminders:
        assert is_allowed(r.due_at, inp.zone, policy.quiet_hours), r
        assert r.due_at >= now
        assert r.due_at < r.expires_at
        if r.purpose is P.checkin_prompt:
            assert all(r.due_at >= starts[sid].ends_at for sid in r.session_ids)
        else:
            assert all(r.due_at < starts[sid].starts_at for sid in r.session_ids)
            assert not any(starts[sid].cancelled for sid in r.session_ids)


@pytest.mark.unit
@settings(max_examples=300, deadline=None)
@given(plan_inputs(), policies())
def test_caps_are_never_exceeded_by_non_urgent_messages(case: tuple[PlanInput, datetime], policy: Policy) -> None:
    inp, now = case
    plan = plan_patient(inp, policy, now)
    tz = inp.zone
    past_day = Counter(local_day(m.due_at, tz) for m in inp.history if not m.urgent)
    past_week = Counter(week_start(m.due_at, tz) for m in inp.history if not m.urgent)
    day = Counter(local_day(r.due_at, tz) for r in plan.reminders if not r.urgent)
    week = Counter(week_start(r.due_at, tz) for r in plan.reminders if not r.urgent)
    if policy.cap_per_day:
        assert all(n + past_day[d] <= max(policy.cap_per_day, past_day[d]) for d, n in day.items())
    if policy.cap_per_week:
        assert all(n + past_week[w] <= max(policy.cap_per_week, past_week[w]) for w, n in week.items())


@pytest.mark.unit
@settings(max_examples=200, deadline=None)
@given(plan_inputs(), policies(), st.randoms(use_true_random=False))
def test_replanning_is_idempotent_whatever_the_input_order(case: tuple[PlanInput, datetime], policy: Policy,
                                                          rnd: random.Random) -> None:
    inp, now = case
    first = plan_patient(inp, policy, now)
    shuffled = list(inp.sessions)
    rnd.shuffle(shuffled)
    again = plan_patient(PlanInput(inp.patient, tuple(shuffled), inp.confirmed, inp.history, inp.zone),
                         policy, now)
    assert again == first
    assert len({r.reminder_id for r in first.reminders}) == len(first.reminders)


@pytest.mark.unit
@settings(max_examples=200, deadline=None)
@given(plan_inputs(), policies(), st.integers(10, 40))
def test_same_day_reminders_merge_only_when_a_cap_would_drop_one(case: tuple[PlanInput, datetime], policy: Policy,
                                                                 cap: int) -> None:
    """With caps nothing reaches (10 a day or more), a plan is the same as with no caps at all: nothing merges."""
    inp, now = case
    roomy = plan_patient(inp, replace(policy, cap_per_day=cap, cap_per_week=7 * cap), now)
    uncapped = plan_patient(inp, replace(policy, cap_per_day=0, cap_per_week=0), now)
    assert roomy.reminders == uncapped.reminders
    assert all(d.reason != "merged" for d in roomy.dropped)


@pytest.mark.unit
def test_a_cap_of_one_still_merges_the_two_reminders_of_a_day_and_a_cap_of_two_keeps_both() -> None:
    zone, now = "America/New_York", datetime(2026, 6, 1, 13, tzinfo=UTC)
    start = datetime(2026, 6, 10, 22, tzinfo=UTC)  # 18:00 local: same-day 2 h before and 24 h before differ in day
    inp = PlanInput(PatientView("p1", "c1", zone), (SessionView("s1", "c1", start, start + timedelta(hours=1),
                                                                ("p1",), 1),), zone=zone)
    base = Policy(first_offsets=(timedelta(hours=6), timedelta(hours=3)), checkin_time=None, cap_per_week=0)
    one = plan_patient(inp, replace(base, cap_per_day=1), now)
    two = plan_patient(inp, replace(base, cap_per_day=2), now)
    assert len(one.reminders) == 1 and [d.reason for d in one.dropped] == ["merged"]
    assert len(two.reminders) == 2 and two.dropped == ()
