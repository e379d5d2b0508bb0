"""Rule kinds over questionnaire outcomes (PHQ-9, GAD-7): cut-offs, item 9, a rise between consecutive totals."""

from __future__ import annotations

from datetime import datetime

from . import ruleset as rs
from .model import Assessment, Finding, History


def _completed(h: History, instrument: str) -> list[Assessment]:
    return [a for a in h.assessments if a.instrument == instrument and a.status == "completed"
            and a.total is not None]


def at_or_above(p: rs.AssessmentAtOrAbove, h: History, now: datetime) -> Finding | None:
    done = _completed(h, p.instrument)
    if not done:
        return None
    last = done[-1]
    assert last.total is not None
    if last.total < p.min_total or (p.below is not None and last.total >= p.below):
        return None
    return Finding("", last.assessment_id, (last.event_id,), {"total": last.total})


def item9(p: rs.AssessmentItem9, h: History, now: datetime) -> Finding | None:
    # An unfinished PHQ-9 counts too: the notifier pages at the answer, before the rest.
    recent = [a for a in h.assessments if a.item9_positive and now - a.completed_at <= p.lookback]
    if not recent:
        return None
    return Finding("", recent[-1].assessment_id, (recent[-1].event_id,))


def rise(p: rs.AssessmentRise, h: History, now: datetime) -> Finding | None:
    done = _completed(h, p.instrument)
    if len(done) < 2:
        return None
    before, last = done[-2], done[-1]
    assert before.total is not None and last.total is not None
    if last.total - before.total < p.rise:
        return None
    return Finding("", last.assessment_id, (before.event_id, last.event_id),
                   {"from": before.total, "to": last.total})
