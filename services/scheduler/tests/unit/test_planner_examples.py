"""The cadence of DESIGN.md section 4, example by example."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from iop_scheduler.domain.model import PastMessage, PatientView, PlanInput, SessionView
from iop_scheduler.domain.notices import cancelled_notices, moved_notices
from iop_scheduler.domain.planner import plan_patient
from iop_scheduler.domain.policy import Policy, QuietHours
from iop_shared.contracts.outbound import ReminderPurpose as P
from iop_shared.durations import parse_duration, parse_durations

NY = "America/New_York"
NO_CHECKIN = Policy(checkin_time=None)


def session(sid: str, start: datetime, attendees: tuple[str, ...] = ("p1",), rev: int = 1) -> SessionView:
    return SessionView(sid, "c1", start, start + timedelta(hours=3), attendees, rev)


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(NY)).astimezone(UTC)


def plan_for(sessions: list[SessionView], now: datetime, policy: Policy = NO_CHECKIN, zone: str = NY,
             confirmed: frozenset[str] = frozenset(), history: tuple[PastMessage, ...] = (),
             discharged: bool = False) -> list[tuple[P, tuple[str, ...], datetime]]:
    inp = PlanInput(PatientView("p1", "c1", zone, discharged), tuple(sessions), confirmed, history, zone)
    return [(r.purpose, r.session_ids, r.due_at) for r in plan_patient(inp, policy, now).reminders]


@pytest.mark.unit
def test_first_session_gets_72h_and_24h() -> None:
    plan = plan_for([session("s1", ny(2026, 6, 10, 10))], now=ny(2026, 6, 1, 9))
    assert plan == [(P.upcoming_session, ("s1",), ny(2026, 6, 7, 10)),
                    (P.upcoming_session, ("s1",), ny(2026, 6, 9, 10))]


@pytest.mark.unit
def test_offsets_move_out_of_quiet_hours_to_the_latest_allowed_time_before() -> None:
    plan = plan_for([session("s1", ny(2026, 6, 10, 7))], now=ny(2026, 6, 1, 9))
    assert [due for *_, due in plan] == [ny(2026, 6, 6, 20, 59), ny(2026, 6, 8, 20, 59)]


@pytest.mark.unit
def test_dst_spring_forward_keeps_the_local_wall_time() -> None:
    # 2026-03-08 is the US change: 72 h before Tuesday 10:00 EDT is 71 wall-clock hours in UTC terms.
    plan = plan_for([session("s1", ny(2026, 3, 10, 10))], now=ny(2026, 3, 1, 9))
    assert plan[0][2] == ny(2026, 3, 10, 10) - timedelta(hours=72)
    assert plan[0][2].astimezone(ZoneInfo(NY)).hour == 9  # 72 real hours cross the lost hour


@pytest.mark.unit
def test_busy_week_gets_a_weekly_message_and_24h_for_unconfirmed_sessions_only() -> None:
    sessions = [session("s0", ny(2026, 6, 3, 10)), session("s1", ny(2026, 6, 8, 10)),
                session("s2", ny(2026, 6, 10, 10)), session("s3", ny(2026, 6, 12, 10))]
    plan = plan_for(sessions, now=ny(2026, 6, 4, 9), confirmed=frozenset({"s2"}))
    assert plan == [(P.weekly_schedule, ("s1", "s2", "s3"), ny(2026, 6, 7, 18)),
                    (P.upcoming_session, ("s3",), ny(2026, 6, 11, 10))]


@pytest.mark.unit
def test_caps_keep_the_higher_priority_and_urgent_history_does_not_count() -> None:
    sessions = [session("s0", ny(2026, 6, 3, 10)), session("s1", ny(2026, 6, 5, 10))]
    sent_today = PastMessage("x", ny(2026, 6, 4, 8, 30), urgent=False)
    assert plan_for(sessions, now=ny(2026, 6, 4, 9), history=(sent_today,)) == []
    urgent_today = PastMessage("x", ny(2026, 6, 4, 8, 30), urgent=True)
    assert plan_for(sessions, now=ny(2026, 6, 4, 9), history=(urgent_today,)) == [
        (P.upcoming_session, ("s1",), ny(2026, 6, 4, 10))]


@pytest.mark.unit
def test_late_booking_gets_one_catch_up_reminder_and_nothing_when_no_allowed_time_remains() -> None:
    assert plan_for([session("s1", ny(2026, 6, 10, 15))], now=ny(2026, 6, 10, 9)) == [
        (P.upcoming_session, ("s1",), ny(2026, 6, 10, 9))]
    assert plan_for([session("s1", ny(2026, 6, 10, 8))], now=ny(2026, 6, 9, 22)) == []


@pytest.mark.unit
def test_discharged_patient_gets_nothing_and_same_day_and_checkin_are_configurable() -> None:
    s1 = session("s1", ny(2026, 6, 10, 10))
    assert plan_for([s1], now=ny(2026, 6, 1, 9), discharged=True) == []
    policy = Policy(same_day_offset=timedelta(hours=2), checkin_time=time(19, 0), cap_per_day=0, cap_per_week=0)
    purposes = [(p, due) for p, _, due in plan_for([s1], now=ny(2026, 6, 1, 9), policy=policy)]
    assert (P.upcoming_session, ny(2026, 6, 10, 8)) in purposes
    assert (P.checkin_prompt, ny(2026, 6, 10, 19)) in purposes


@pytest.mark.unit
def test_minute_offsets_for_the_demo_profile() -> None:
    policy = Policy(first_offsets=tuple(parse_durations("3m,1m")), checkin_time=None,
                    quiet_hours=QuietHours(time(0, 0), time(23, 59)), cap_per_day=0, cap_per_week=0)
    now = ny(2026, 6, 1, 12)
    plan = plan_for([session("s1", now + timedelta(minutes=5))], now=now, policy=policy)
    assert [due for *_, due in plan] == [now + timedelta(minutes=2), now + timedelta(minutes=4)]
    assert parse_duration("1h30m") == timedelta(minutes=90)
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration("soon")


@pytest.mark.unit
def test_moved_and_cancelled_notices_are_urgent_within_48h_and_only_for_staying_attendees() -> None:
    now = ny(2026, 6, 1, 12)
    old = session("s1", ny(2026, 6, 2, 10), ("p1", "p2"))
    new = session("s1", ny(2026, 6, 2, 14), ("p1", "p3"), rev=2)
    moved = moved_notices(old, new, now, Policy(), {"p1": NY})
    assert [(n.patient_id, n.purpose, n.urgent, n.due_at) for n in moved] == [
        ("p1", P.session_changed, True, now + Policy().change_settle)]
    far = session("s1", ny(2026, 6, 20, 10), ("p1", "p2"))
    cancelled = cancelled_notices(far, 3, now, Policy(), {"p1": NY, "p2": NY})
    assert [(n.patient_id, n.urgent) for n in cancelled] == [("p1", False), ("p2", False)]
    assert moved_notices(old, session("s1", old.starts_at, ("p1",), rev=2), now, Policy(), {}) == []
