"""Missed-visit detection as a pure decision: given a visit and the time, publish a miss, a retraction or nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from iop_shared.contracts.inbound import AttendanceStatus

from .model import ATTENDED

NOT_A_MISS = ATTENDED | {AttendanceStatus.excused}


class VisitAction(StrEnum):
    miss = "miss"
    retract = "retract"
    none = "none"


def due_at(starts_at: datetime, grace: timedelta) -> datetime:
    """When a visit without a present or late record becomes a miss."""
    return starts_at + grace


def should_be_missed(*, expected: bool, status: AttendanceStatus | None, due: datetime, now: datetime) -> bool:
    """Expected, past its grace, and no record that makes it attended or excused."""
    return expected and now >= due and status not in NOT_A_MISS


def decide(*, expected: bool, status: AttendanceStatus | None, due: datetime, now: datetime,
           missed: bool) -> VisitAction:
    """Compare what the visit should be with what was published; the difference is the action."""
    wanted = should_be_missed(expected=expected, status=status, due=due, now=now)
    if wanted and not missed:
        return VisitAction.miss
    if missed and not wanted:
        return VisitAction.retract
    return VisitAction.none
