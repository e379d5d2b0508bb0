"""One-off messages caused by a change: a session moved or cancelled. Urgent within `policy.urgent_within`.

Changes coalesce: a notice waits `policy.change_settle` after the first unsent change (never past the time
the patient must leave), a newer change replaces it (same due time, same baseline), and a change back to what
the patient was last told withdraws it. The notifier renders the session as it is when the notice goes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from iop_shared.contracts.outbound import ReminderPurpose as P

from .ids import reminder_id
from .localtime import earliest_allowed_at_or_after
from .model import Kind, Reminder, SessionView
from .policy import Policy


@dataclass(frozen=True)
class Pending:
    """An unsent notice about one session for one patient, and what the patient knew before it."""

    reminder_id: str
    due_at: datetime
    told: datetime | None  # the start the patient was last told; None: told it is cancelled


@dataclass(frozen=True)
class Coalesced:
    """What a change does to one session's notices: new ones (with their baseline) and patients to withdraw."""

    notices: list[Reminder] = field(default_factory=list)
    withdraw: list[str] = field(default_factory=list)
    told: dict[str, datetime | None] = field(default_factory=dict)  # reminder id -> baseline


def moved_notices(old: SessionView | None, new: SessionView, now: datetime, policy: Policy,
                  zones: dict[str, str]) -> list[Reminder]:
    """A `session_changed` message for every attendee who stays on a session that moved or came back."""
    return coalesce_moved(old, new, now, policy, zones, {}).notices


def cancelled_notices(session: SessionView, revision: int, now: datetime, policy: Policy,
                      zones: dict[str, str]) -> list[Reminder]:
    """One `session_cancelled` message per attendee of a session that had not started yet."""
    return coalesce_cancelled(session, revision, now, policy, zones, {}).notices


def coalesce_moved(old: SessionView | None, new: SessionView, now: datetime, policy: Policy,
                   zones: dict[str, str], pending: dict[str, Pending]) -> Coalesced:
    """Notices for the staying attendees of a moved (or reinstated) session, merged with what is unsent."""
    out = Coalesced()
    if old is None or new.starts_at <= now:
        return out
    for pid in sorted(set(old.attendees) & set(new.attendees) & set(zones)):
        p = pending.get(pid)
        told = p.told if p else (None if old.cancelled else old.starts_at)
        if told == new.starts_at:  # nothing the patient does not already know (a storm that came back)
            out.withdraw.extend([pid] if p else [])
            continue
        leave = min(new.starts_at, told) if told else new.starts_at
        urgent = min(old.starts_at, new.starts_at) - now <= policy.urgent_within
        _add(out, _notice(P.session_changed, pid, new, new.revision, now, policy, zones[pid], urgent, p, leave),
             pid, p, told)
    return out


def coalesce_cancelled(session: SessionView, revision: int, now: datetime, policy: Policy,
                       zones: dict[str, str], pending: dict[str, Pending]) -> Coalesced:
    """Cancellation notices, merged with what is unsent; none for a patient last told it was cancelled."""
    out = Coalesced()
    if session.cancelled or session.starts_at <= now:
        return out
    for pid in sorted(set(session.attendees) & set(zones)):
        p = pending.get(pid)
        told = p.told if p else session.starts_at
        if told is None:
            out.withdraw.extend([pid] if p else [])
            continue
        leave = min(told, session.starts_at)
        urgent = leave - now <= policy.urgent_within
        _add(out, _notice(P.session_cancelled, pid, session, revision, now, policy, zones[pid], urgent, p, leave),
             pid, p, told)
    return out


def _add(out: Coalesced, notice: Reminder | None, pid: str, p: Pending | None, told: datetime | None) -> None:
    if p is not None:
        out.withdraw.append(pid)
    if notice is not None:
        out.notices.append(notice)
        out.told[notice.reminder_id] = told


def _notice(purpose: P, patient_id: str, session: SessionView, revision: int, now: datetime, policy: Policy,
            tz: str, urgent: bool, pending: Pending | None, leave: datetime) -> Reminder | None:
    due = earliest_allowed_at_or_after(now, tz, policy.quiet_hours)
    if due >= leave:
        if not urgent:
            return None
        # No allowed time is left before the start: a patient travelling to a cancelled or moved
        # session is the greater harm, so an urgent notice goes at once.
        due = now
    # Settle from the first unsent change, but leave the patient one settle window before they must go.
    settled = pending.due_at if pending else now + policy.change_settle
    due = max(due, min(settled, leave - policy.change_settle))
    return Reminder(reminder_id=reminder_id(patient_id, purpose, session.session_id, revision),
                    patient_id=patient_id, clinic_id=session.clinic_id, purpose=purpose,
                    session_ids=(session.session_id,), due_at=due, expires_at=session.starts_at,
                    urgent=urgent, priority=100, kind=Kind.notice)
