"""The reminder planner: one patient's schedule in, the messages to send (and those dropped, with why) out.

Pure: it reads a clock value (`now`), a policy and the patient's sessions, and returns the same plan for the
same input, whatever the order of that input.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from iop_shared.contracts.outbound import ReminderPurpose as P

from .arms import later_offsets
from .cadence import CadenceStep, cadence_key, intake_days, prompt_kind
from .caps import apply_caps
from .durations import format_duration
from .ids import reminder_id
from .localtime import at_local_cached as at_local
from .localtime import earliest_allowed_at_or_after, latest_allowed_at_or_before, local_day, week_start
from .model import Dropped, Kind, Plan, PlanInput, Reminder, SessionView
from .policy import Policy

PRIORITY_CATCH_UP = 95
PRIORITY_NEAREST = 90
PRIORITY_SAME_DAY = 85
PRIORITY_WEEKLY = 80
PRIORITY_EARLY = 70
PRIORITY_CHECKIN = 50


def plan_patient(inp: PlanInput, policy: Policy, now: datetime) -> Plan:
    """Plan every cadence message for one patient from `now` on."""
    return _plan(inp, policy, now, policy.cadences())


def plan_many(items: Sequence[tuple[PlanInput, Policy]], now: datetime) -> list[Plan]:
    """plan_patient for each (input, policy) of a drain batch; what a policy derives is derived once per batch."""
    schedules: dict[int, dict[str, tuple[CadenceStep, ...]]] = {}
    out = []
    for inp, policy in items:
        if id(policy) not in schedules:
            schedules[id(policy)] = policy.cadences()
        out.append(_plan(inp, policy, now, schedules[id(policy)]))
    return out


def _plan(inp: PlanInput, policy: Policy, now: datetime, schedules: Mapping[str, Sequence[CadenceStep]]) -> Plan:
    if inp.patient.discharged:
        return Plan()
    sessions = sorted(
        (s for s in inp.sessions if not s.cancelled and inp.patient.patient_id in s.attendees),
        key=lambda s: (s.starts_at, s.session_id))
    upcoming = [s for s in sessions if s.starts_at > now]
    candidates = [*_session_reminders(inp, policy, sessions, upcoming),
                  *_weekly_messages(inp, policy, sessions, upcoming),
                  *_checkin_prompts(inp, policy, upcoming, sessions, schedules)]
    timed, dropped = _place_in_time(inp, policy, now, candidates)
    timed, dropped = _add_catch_up(inp, policy, now, upcoming, timed, dropped)
    kept, cap_dropped = apply_caps(timed, inp.history, policy, inp.zone)
    return Plan(tuple(sorted(kept, key=lambda r: (r.due_at, r.reminder_id))),
                tuple(sorted([*dropped, *cap_dropped], key=lambda d: d.reminder_id)))


def _candidate(inp: PlanInput, purpose: P, slot: str, sessions: list[SessionView], due: datetime,
               expires: datetime, priority: int, checkin_kind: str | None = None) -> Reminder:
    ids = tuple(s.session_id for s in sessions)
    key = ",".join([_session_key(s.session_id, s.starts_at) for s in sessions])
    # Positional, as the dataclass orders its fields: this runs some 40 times for every patient planned.
    return Reminder(reminder_id(inp.patient.patient_id, purpose, slot, key), inp.patient.patient_id,
                    inp.patient.clinic_id or sessions[0].clinic_id, purpose, ids, due, expires, False, priority,
                    Kind.cadence, checkin_kind)


@lru_cache(maxsize=65536)
def _session_key(session_id: str, starts_at: datetime) -> str:
    # A group's sessions are the same for all its patients: the id part is formatted once, not per patient.
    return f"{session_id}@{starts_at.isoformat()}"


def _session_reminders(inp: PlanInput, policy: Policy, sessions: list[SessionView],
                       upcoming: list[SessionView]) -> list[Reminder]:
    """72h+24h before a first session or one after a gap; else 24h before each unconfirmed session (or the
    patient's experiment arm's cadence for the sessions it covers, domain/arms.py)."""
    out: list[Reminder] = []
    starts = [p.starts_at for p in sessions]  # sorted: the session before s is found by bisection
    for s in upcoming:
        before = bisect_left(starts, s.starts_at)
        first = before == 0 or s.starts_at - starts[before - 1] >= policy.gap
        arm = inp.session_offsets.get(s.session_id)
        if first:
            offsets = list(arm or policy.first_offsets)
        elif s.session_id in inp.confirmed or policy.each_session_offset is None:
            offsets = []
        else:
            offsets = later_offsets(arm, policy.each_session_offset) if arm else [policy.each_session_offset]
        nearest = min(offsets, default=None)
        for offset in offsets:
            priority = PRIORITY_NEAREST if offset == nearest else PRIORITY_EARLY
            out.append(_candidate(inp, P.upcoming_session, f"before:{format_duration(offset)}", [s],
                                  s.starts_at - offset, s.starts_at, priority))
        if policy.same_day_offset is not None:
            out.append(_candidate(inp, P.upcoming_session, f"same-day:{format_duration(policy.same_day_offset)}",
                                  [s], s.starts_at - policy.same_day_offset, s.starts_at, PRIORITY_SAME_DAY))
    return out


def _sessions_per_week(sessions: list[SessionView], tz: str) -> dict[date, list[SessionView]]:
    weeks: dict[date, list[SessionView]] = defaultdict(list)
    for s in sessions:
        weeks[week_start(s.starts_at, tz)].append(s)
    return weeks


def _weekly_messages(inp: PlanInput, policy: Policy, sessions: list[SessionView],
                     upcoming: list[SessionView]) -> list[Reminder]:
    out: list[Reminder] = []
    upcoming_ids = {s.session_id for s in upcoming}
    for monday, week in sorted(_sessions_per_week(sessions, inp.zone).items()):
        ahead = [s for s in week if s.session_id in upcoming_ids]
        if len(week) < policy.weekly_min_sessions or not ahead:
            continue
        day = monday - timedelta(days=7 - policy.weekly_weekday)
        due = at_local(day, policy.weekly_time, inp.zone)
        out.append(_candidate(inp, P.weekly_schedule, f"week:{monday.isoformat()}", ahead, due,
                              ahead[0].starts_at, PRIORITY_WEEKLY))
    return out


def _checkin_prompts(inp: PlanInput, policy: Policy, upcoming: list[SessionView], sessions: list[SessionView],
                     schedules: Mapping[str, Sequence[CadenceStep]]) -> list[Reminder]:
    if policy.checkin_time is None:
        return []
    intakes = intake_days(inp, schedules, sessions)
    by_day: dict[date, list[SessionView]] = defaultdict(list)
    for s in upcoming:
        by_day[local_day(s.starts_at, inp.zone)].append(s)
    out: list[Reminder] = []
    for day, group in sorted(by_day.items()):
        due = max(at_local(day, policy.checkin_time, inp.zone), *(s.ends_at for s in group))
        end_of_day = at_local(day + timedelta(days=1), time(0, 0), inp.zone)
        kind = prompt_kind(schedules, intakes, (cadence_key(s.program_id, schedules) for s in group), day)
        out.append(_candidate(inp, P.checkin_prompt, f"checkin:{day.isoformat()}", group, due, end_of_day,
                              PRIORITY_CHECKIN, kind or None))
    return out


def _place_in_time(inp: PlanInput, policy: Policy, now: datetime,
                   candidates: list[Reminder]) -> tuple[list[Reminder], list[Dropped]]:
    """Move each candidate out of quiet hours (earlier); drop what has no allowed time left."""
    kept: list[Reminder] = []
    dropped: list[Dropped] = []
    sent = {m.reminder_id for m in inp.history}
    for c in candidates:
        if c.reminder_id in sent:
            continue  # already went out; it counts in the caps through the history
        due, reason = _allowed_due(c, policy, now, inp.zone)
        if due is None:
            dropped.append(Dropped(c.reminder_id, c.purpose, reason, c))
        else:
            kept.append(_with_due(c, due))
    return kept, dropped


def _allowed_due(c: Reminder, policy: Policy, now: datetime, tz: str) -> tuple[datetime | None, str]:
    quiet = policy.quiet_hours
    if c.due_at < now:
        return None, "past"
    due = latest_allowed_at_or_before(c.due_at, tz, quiet)
    if due < now:
        due = earliest_allowed_at_or_after(now, tz, quiet)
    if c.purpose is P.checkin_prompt:
        floor = c.due_at  # never before the session ends
        return (due, "") if floor <= due < c.expires_at else (None, "no_allowed_time")
    return (due, "") if due < c.expires_at else (None, "no_allowed_time")


def _with_due(c: Reminder, due: datetime) -> Reminder:
    # dataclasses.replace re-reads the fields on every call: a third of the planner's time before this.
    return Reminder(c.reminder_id, c.patient_id, c.clinic_id, c.purpose, c.session_ids, due, c.expires_at,
                    c.urgent, c.priority, c.kind, c.checkin_kind)


def _add_catch_up(inp: PlanInput, policy: Policy, now: datetime, upcoming: list[SessionView],
                  timed: list[Reminder], dropped: list[Dropped]) -> tuple[list[Reminder], list[Dropped]]:
    """A session booked too late for its cadence still gets one reminder, unless one already covered it."""
    covered = {sid for r in timed if r.purpose is not P.checkin_prompt for sid in r.session_ids}
    covered |= {sid for m in inp.history for sid in m.session_ids}
    extra: list[Reminder] = []
    for s in upcoming:
        if s.session_id in covered or s.session_id in inp.confirmed:
            continue
        c = _candidate(inp, P.upcoming_session, "catch-up", [s], now, s.starts_at, PRIORITY_CATCH_UP)
        if c.reminder_id in {m.reminder_id for m in inp.history}:
            continue
        due = earliest_allowed_at_or_after(now, inp.zone, policy.quiet_hours)
        if due < s.starts_at:
            extra.append(_with_due(c, due))
        else:
            dropped.append(Dropped(c.reminder_id, c.purpose, "no_allowed_time", c))
    return [*timed, *extra], dropped
