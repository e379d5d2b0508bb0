"""Per-patient frequency caps (default 1 a day, 3 a week, local calendar): merge, then keep by priority.

Urgent messages neither count against a cap nor are dropped by one; everything already sent (or a pending
notice) occupies its slot first.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime

from iop_shared.contracts.outbound import ReminderPurpose as P

from .localtime import local_day, week_start
from .model import Dropped, PastMessage, Reminder
from .policy import Policy


def apply_caps(candidates: list[Reminder], history: tuple[PastMessage, ...], policy: Policy,
               tz: str) -> tuple[list[Reminder], list[Dropped]]:
    """Merge same-day messages where a cap would otherwise drop one, then keep the highest priorities."""
    per_day: Counter[date] = Counter()
    per_week: Counter[date] = Counter()
    for m in history:
        if not m.urgent:
            per_day[local_day(m.due_at, tz)] += 1
            per_week[week_start(m.due_at, tz)] += 1
    # Merging exists to fit the caps: a day whose messages all fit (a cap of 10, or none) keeps every one.
    merged, dropped = merge_same_day(candidates, tz, _crowded(candidates, per_day, per_week, policy, tz))
    kept: list[Reminder] = []
    for c in sorted(merged, key=lambda r: (-r.priority, r.due_at, r.reminder_id)):
        if c.urgent:
            kept.append(c)
            continue
        day, week = _calendar(c.due_at, tz)
        if policy.cap_per_day and per_day[day] >= policy.cap_per_day:
            dropped.append(Dropped(c.reminder_id, c.purpose, "cap_day", c))
        elif policy.cap_per_week and per_week[week] >= policy.cap_per_week:
            dropped.append(Dropped(c.reminder_id, c.purpose, "cap_week", c))
        else:
            per_day[day] += 1
            per_week[week] += 1
            kept.append(c)
    return kept, dropped


def _calendar(instant: datetime, tz: str) -> tuple[date, date]:
    """The local day and the local week's Monday of an instant."""
    return local_day(instant, tz), week_start(instant, tz)


def _crowded(candidates: list[Reminder], per_day: Counter[date], per_week: Counter[date], policy: Policy,
             tz: str) -> set[date]:
    """The local days on which, unmerged, the daily or weekly cap would drop a message."""
    day_load, week_load = Counter(per_day), Counter(per_week)
    # Each candidate's calendar is looked up once (the lookups were most of this function's time).
    calendar = [(c, *_calendar(c.due_at, tz)) for c in candidates]
    for c, day, week in calendar:
        if not c.urgent:
            day_load[day] += 1
            week_load[week] += 1
    return {day for _, day, week in calendar
            if (policy.cap_per_day and day_load[day] > policy.cap_per_day)
            or (policy.cap_per_week and week_load[week] > policy.cap_per_week)}


def merge_same_day(candidates: list[Reminder], tz: str,
                   days: set[date] | None = None) -> tuple[list[Reminder], list[Dropped]]:
    """On one local day (of `days`, else every day): session reminders merge into one; those a weekly
    message already lists fold into it."""
    by_day: dict[date, list[Reminder]] = defaultdict(list)
    for c in candidates:
        by_day[local_day(c.due_at, tz)].append(c)
    out: list[Reminder] = []
    dropped: list[Dropped] = []
    for day in sorted(by_day):
        group = by_day[day]
        if days is not None and day not in days:
            out.extend(group)
            continue
        weekly = {sid for c in group if c.purpose is P.weekly_schedule for sid in c.session_ids}
        sessions = [c for c in group if c.purpose is P.upcoming_session and not c.urgent]
        for c in sessions:
            if set(c.session_ids) <= weekly:
                dropped.append(Dropped(c.reminder_id, c.purpose, "merged"))
        sessions = [c for c in sessions if not set(c.session_ids) <= weekly]
        out.extend(c for c in group if c.purpose is not P.upcoming_session or c.urgent)
        if sessions:
            keep = _merge(sessions)
            out.append(keep)
            dropped.extend(Dropped(c.reminder_id, c.purpose, "merged") for c in sessions
                           if c.reminder_id != keep.reminder_id)
    return out, dropped


def _merge(group: list[Reminder]) -> Reminder:
    """One message for several same-day reminders: the leader's id, every session, the earliest time."""
    leader = min(group, key=lambda r: (-r.priority, r.due_at, r.reminder_id))
    if len(group) == 1:
        return leader
    session_ids = tuple(sorted({sid for r in group for sid in r.session_ids}))
    return Reminder(leader.reminder_id, leader.patient_id, leader.clinic_id, leader.purpose, session_ids,
                    min(r.due_at for r in group), min(r.expires_at for r in group), False,
                    max(r.priority for r in group), leader.kind, leader.checkin_kind)
