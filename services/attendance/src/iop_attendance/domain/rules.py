"""The rule kinds: each looks at one patient's history and returns the pattern it finds, or None."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from datetime import datetime
from typing import Any

from iop_shared.contracts.outbound import CheckinIntent

from . import assessment_rules as ar
from . import ruleset as rs
from .model import Checkin, Finding, History, Visit
from .timeline import latest_ended_weeks, minimum_hours

ANSWERS = frozenset({CheckinIntent.mood, CheckinIntent.craving, CheckinIntent.confirm, CheckinIntent.other,
                     CheckinIntent.concern, CheckinIntent.crisis, CheckinIntent.reschedule_request,
                     CheckinIntent.assessment_item})  # a questionnaire answer answers its prompt


def _evidence(visits: list[Visit]) -> tuple[str, ...]:
    return tuple(v.missed_event_id or v.session_id for v in visits)


def early_no_show(p: rs.EarlyNoShow, h: History, now: datetime) -> Finding | None:
    attended, early = 0, []
    for v, missed in h.concluded:
        if attended >= p.before_attended:
            break
        if missed:
            early.append(v)
        else:
            attended += 1
    if not early:
        return None
    return Finding("", early[-1].session_id, _evidence(early))


def consecutive_misses(p: rs.ConsecutiveMisses, h: History, now: datetime) -> Finding | None:
    streak: list[Visit] = []
    for v, missed in reversed(h.concluded):
        if not missed:
            break
        streak.append(v)
    if len(streak) < p.count:
        return None
    streak.reverse()
    return Finding("", streak[0].session_id, _evidence(streak[-p.count:]))


def misses_in_last(p: rs.MissesInLast, h: History, now: datetime) -> Finding | None:
    missed = [v for v, is_missed in h.concluded[-p.of_last:] if is_missed]
    if len(missed) < p.missed:
        return None
    return Finding("", missed[0].session_id, _evidence(missed))


def hours_below_minimum(p: rs.HoursBelowMinimum, h: History, now: datetime) -> Finding | None:
    tz = h.profile.timezone
    last = latest_ended_weeks(h.visits, tz, now, p.weeks, p.left_early_credit)
    if len(last) < p.weeks or (last[-1].week_start - last[0].week_start).days != 7 * (p.weeks - 1):
        return None
    minimum = minimum_hours(h.profile.age_group, p.adult_hours, p.adolescent_hours)
    if any(w.attended_hours >= minimum for w in last):
        return None
    key = last[0].week_start.isoformat()
    return Finding("", key, tuple(f"week:{w.week_start.isoformat()}" for w in last),
                   {"hours": [w.attended_hours for w in last], "minimum": minimum})


def _scores(h: History, intent: CheckinIntent) -> list[Checkin]:
    return [c for c in h.checkins if c.intent is intent and c.value is not None]


def craving_rise(p: rs.CravingRise, h: History, now: datetime) -> Finding | None:
    scores = _scores(h, CheckinIntent.craving)
    if not scores:
        return None
    latest = scores[-1]
    assert latest.value is not None
    earlier = [c.value for c in scores[:-1]
               if c.value is not None and latest.received_at - c.received_at <= p.baseline_window]
    high = latest.value >= p.absolute
    rise = len(earlier) >= p.baseline_min_scores and latest.value - statistics.median(earlier) >= p.rise_over_baseline
    if not (high or rise):
        return None
    return Finding("", latest.checkin_id, (latest.event_id,))


def score_at_or_above(p: rs.ScoreAtOrAbove, h: History, now: datetime) -> Finding | None:
    scores = _scores(h, p.intent)
    if not scores or (scores[-1].value or 0) < p.min_value:
        return None
    return Finding("", scores[-1].checkin_id, (scores[-1].event_id,))


def score_at_or_below(p: rs.ScoreAtOrBelow, h: History, now: datetime) -> Finding | None:
    scores = _scores(h, p.intent)
    if not scores or scores[-1].value is None or scores[-1].value > p.max_value:
        return None
    return Finding("", scores[-1].checkin_id, (scores[-1].event_id,))


def _answered(prompt_id: str, start: datetime, end: datetime | None, checkins: tuple[Checkin, ...]) -> bool:
    for c in checkins:
        if c.intent not in ANSWERS:
            continue
        if c.prompt_reminder_id == prompt_id:
            return True
        if c.prompt_reminder_id is None and c.received_at >= start and (end is None or c.received_at < end):
            return True
    return False


def unanswered_prompts(p: rs.UnansweredPrompts, h: History, now: datetime) -> Finding | None:
    prompts = sorted(h.prompts, key=lambda x: x.due_at)
    run: list[str] = []
    for i, prompt in enumerate(prompts):
        nxt = prompts[i + 1].due_at if i + 1 < len(prompts) else None
        if _answered(prompt.reminder_id, prompt.due_at, nxt, h.checkins):
            run = []
        elif nxt is not None or now >= prompt.due_at + p.answer_within:
            run.append(prompt.reminder_id)
    if len(run) < p.count:
        return None
    return Finding("", run[0], tuple(f"reminder:{r}" for r in run))


def crisis(p: rs.Crisis, h: History, now: datetime) -> Finding | None:
    recent = [c for c in h.checkins if c.intent is CheckinIntent.crisis and now - c.received_at <= p.lookback]
    if not recent:
        return None
    return Finding("", recent[-1].checkin_id, (recent[-1].event_id,))


EVALUATORS: dict[type[Any], Callable[[Any, History, datetime], Finding | None]] = {
    rs.EarlyNoShow: early_no_show,
    rs.ConsecutiveMisses: consecutive_misses,
    rs.MissesInLast: misses_in_last,
    rs.HoursBelowMinimum: hours_below_minimum,
    rs.CravingRise: craving_rise,
    rs.ScoreAtOrAbove: score_at_or_above,
    rs.ScoreAtOrBelow: score_at_or_below,
    rs.UnansweredPrompts: unanswered_prompts,
    rs.Crisis: crisis,
    rs.AssessmentAtOrAbove: ar.at_or_above,
    rs.AssessmentItem9: ar.item9,
    rs.AssessmentRise: ar.rise,
}


def evaluate(rules: rs.RuleSet, history: History, now: datetime) -> dict[str, Finding]:
    """Every enabled rule's current pattern for this patient, by rule id."""
    found: dict[str, Finding] = {}
    for rule in rules.enabled:
        finding = EVALUATORS[type(rule.params)](rule.params, history, now)
        if finding is not None:
            found[rule.id] = Finding(rule.id, finding.pattern_key, finding.evidence, finding.values)
    return found
