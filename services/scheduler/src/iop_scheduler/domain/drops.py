"""Which planner and dispatch drops are reported (iop.reminder.dropped.v1), and under which reason."""

from __future__ import annotations

from iop_shared.contracts.outbound import DropReason
from iop_shared.contracts.outbound import ReminderPurpose as P

from .model import Dropped, Reminder

# "merged" is not a drop (another message carries it) and "past" was never a plan (its time had gone).
PLANNER_REASONS = {"no_allowed_time": DropReason.quiet_hours, "cap_day": DropReason.cap_reached,
                   "cap_week": DropReason.cap_reached}
SESSION_BOUND = frozenset({P.upcoming_session, P.weekly_schedule, P.session_changed, P.session_cancelled})


def reported(dropped: tuple[Dropped, ...]) -> list[tuple[Reminder, DropReason]]:
    """The drops a patient's plan keeps visible, with their contract reason."""
    return [(d.reminder, PLANNER_REASONS[d.reason]) for d in dropped
            if d.reminder is not None and d.reason in PLANNER_REASONS]


def expiry_reason(purpose: str) -> DropReason:
    """A reminder that expires with its session's start says so; a check-in prompt simply expired."""
    return DropReason.session_started if purpose in SESSION_BOUND else DropReason.expired
