"""How much of a patient's visit history the enabled rules read, so histories load bounded, not whole.

The visit rules read a prefix (early no-shows: up to the n-th attended visit) and a suffix (the newest concluded
visits, the trailing streak of misses, the newest weeks with scheduled hours) of the visits ordered by start.
Loading only that prefix and suffix gives every rule exactly what it returns on the whole history.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import ruleset as rs

VISIT_FREE: tuple[type[rs._Params], ...] = (rs.CravingRise, rs.ScoreAtOrAbove, rs.ScoreAtOrBelow,
                                            rs.UnansweredPrompts, rs.Crisis, rs.AssessmentAtOrAbove,
                                            rs.AssessmentItem9, rs.AssessmentRise)
"""Rule kinds that never read visits; a kind in neither this list nor visit_window's loads whole histories."""


@dataclass(frozen=True)
class VisitWindow:
    """The visits to load: zero or False means that part is not needed; `whole` loads every visit."""

    head_attended: int = 0  # the prefix through the n-th attended visit (all of it while fewer were attended)
    tail_concluded: int = 0  # the suffix holding the newest n concluded visits
    streak: bool = False  # the suffix from the newest attended visit on
    ended_weeks: int = 0  # the suffix from the n-th newest ended week with scheduled hours
    whole: bool = False


def visit_window(rules: rs.RuleSet) -> VisitWindow:
    """The smallest window that holds what every enabled rule reads of visits."""
    head = tail = weeks = 0
    streak = False
    for rule in rules.enabled:
        p = rule.params
        if isinstance(p, rs.EarlyNoShow):
            head = max(head, p.before_attended)
        elif isinstance(p, rs.ConsecutiveMisses):
            tail, streak = max(tail, p.count), True
        elif isinstance(p, rs.MissesInLast):
            tail = max(tail, p.of_last)
        elif isinstance(p, rs.HoursBelowMinimum):
            weeks = max(weeks, p.weeks)
        elif not isinstance(p, VISIT_FREE):
            return VisitWindow(whole=True)
    return VisitWindow(head, tail, streak, weeks)
