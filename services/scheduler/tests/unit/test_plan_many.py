"""A drain batch planned together (plan_many) gives exactly the plans the one-by-one planner gives."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iop_scheduler.domain.model import PastMessage, PatientView, PlanInput, SessionView
from iop_scheduler.domain.planner import plan_many, plan_patient
from iop_scheduler.domain.policy import Policy, QuietHours

# The property tests' random schedules and policies (test modules do not import each other here).
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
@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(plan_inputs(), st.integers(0, 2)), min_size=1, max_size=12),
       st.lists(policies(), min_size=3, max_size=3))
def test_a_batch_plans_as_one_by_one(patients: list[tuple[tuple[PlanInput, datetime], int]],
                                     shared: list[Policy]) -> None:
    now = patients[0][0][1]  # one drain, one clock reading
    # Distinct patients sharing a few policy objects (as a drain batch shares its clinics' overrides).
    items = [(replace(inp, patient=PatientView(f"p{i}", "c1", inp.zone),
                      sessions=tuple(replace(s, attendees=tuple(f"p{i}" if a == "p1" else a for a in s.attendees))
                                     for s in inp.sessions)), shared[k])
             for i, ((inp, _), k) in enumerate(patients)]
    assert plan_many(items, now) == [plan_patient(inp, policy, now) for inp, policy in items]
    assert plan_many(items[::-1], now) == [plan_patient(inp, policy, now) for inp, policy in items[::-1]]
