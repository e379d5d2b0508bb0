"""One-off messages caused by a change: a session moved or cancelled. Urgent within `policy.urgent_within`."""

from __future__ import annotations

from datetime import datetime

from iop_shared.contracts.outbound import ReminderPurpose as P

from .ids import reminder_id
from .localtime import earliest_allowed_at_or_after
from .model import Kind, Reminder, SessionView
from .policy import Policy


def moved_notices(old: SessionView | None, new: SessionView, now: datetime, policy: Policy,
                  zones: dict[str, str]) -> list[Reminder]:
    """A `session_changed` message for every attendee who stays on a session that moved or came back."""
    if old is None or new.starts_at <= now or (not old.cancelled and old.starts_at == new.starts_at):
        return []  # a reinstated (un-cancelled) session counts as changed
    stayed = sorted(set(old.attendees) & set(new.attendees))
    urgent = min(old.starts_at, new.starts_at) - now <= policy.urgent_within
    return [n for pid in stayed
            if (n := _notice(P.session_changed, pid, new, new.revision, now, policy, zones.get(pid), urgent))]


def cancelled_notices(session: SessionView, revision: int, now: datetime, policy: Policy,
                      zones: dict[str, str]) -> list[Reminder]:
    """One `session_cancelled` message per attendee of a session that had not started yet."""
    if session.cancelled or session.starts_at <= now:
        return []
    urgent = session.starts_at - now <= policy.urgent_within
    return [n for pid in sorted(set(session.attendees))
            if (n := _notice(P.session_cancelled, pid, session, revision, now, policy, zones.get(pid), urgent))]


def _notice(purpose: P, patient_id: str, session: SessionView, revision: int, now: datetime, policy: Policy,
            tz: str | None, urgent: bool) -> Reminder | None:
    due = earliest_allowed_at_or_after(now, tz or "UTC", policy.quiet_hours)
    if due >= session.starts_at:
        if not urgent:
            return None
        # No allowed time is left before the start: a patient travelling to a cancelled or moved
        # session is the greater harm, so an urgent notice goes at once.
        due = now
    return Reminder(reminder_id=reminder_id(patient_id, purpose, session.session_id, revision),
                    patient_id=patient_id, clinic_id=session.clinic_id, purpose=purpose,
                    session_ids=(session.session_id,), due_at=due, expires_at=session.starts_at,
                    urgent=urgent, priority=100, kind=Kind.notice)
