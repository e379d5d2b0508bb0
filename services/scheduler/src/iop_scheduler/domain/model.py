"""What the planner reads and writes: plain immutable values, no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from iop_shared.contracts.outbound import ReminderPurpose


class Kind(StrEnum):
    """Cadence rows are replaced on every replan; notices (moved, cancelled) are one-off facts."""

    cadence = "cadence"
    notice = "notice"


@dataclass(frozen=True)
class SessionView:
    """A session as the planner needs it (no title, kind or place: they never reach a reminder)."""

    session_id: str
    clinic_id: str
    starts_at: datetime
    ends_at: datetime
    attendees: tuple[str, ...]
    revision: int
    cancelled: bool = False
    program_id: str | None = None  # its check-in cadence follows the program (None: rows from before 0016)


@dataclass(frozen=True)
class PatientView:
    patient_id: str
    clinic_id: str | None
    timezone: str | None
    discharged: bool = False


@dataclass(frozen=True)
class PastMessage:
    """A message that already occupies a cap slot: dispatched, or a pending notice."""

    reminder_id: str
    due_at: datetime
    urgent: bool
    session_ids: tuple[str, ...] = ()
    purpose: ReminderPurpose = ReminderPurpose.upcoming_session


@dataclass(frozen=True)
class Reminder:
    """One planned message for one patient."""

    reminder_id: str
    patient_id: str
    clinic_id: str | None
    purpose: ReminderPurpose
    session_ids: tuple[str, ...]
    due_at: datetime
    expires_at: datetime
    urgent: bool = False
    priority: int = 0
    kind: Kind = Kind.cadence
    checkin_kind: str | None = None  # checkin_prompt only: the instrument it opens (see domain/cadence.py)


@dataclass(frozen=True)
class Dropped:
    """A candidate that will not be sent, and why (metrics and logs carry the reason)."""

    reminder_id: str
    purpose: ReminderPurpose
    reason: str
    reminder: Reminder | None = None  # what was planned, for the dropped event and the plan API


@dataclass(frozen=True)
class PlanInput:
    """Everything the planner needs for one patient."""

    patient: PatientView
    sessions: tuple[SessionView, ...]
    confirmed: frozenset[str] = frozenset()
    history: tuple[PastMessage, ...] = ()
    zone: str = "UTC"
    # Experiment cadence arms (domain/arms.py): session id -> the arm's offsets; absent sessions keep the default.
    session_offsets: Mapping[str, tuple[timedelta, ...]] = field(default_factory=dict)
    # The stored intake (earliest session start ever seen): program id -> start, "*" across all programs.
    intakes: Mapping[str, datetime] = field(default_factory=dict)


@dataclass(frozen=True)
class Plan:
    reminders: tuple[Reminder, ...] = ()
    dropped: tuple[Dropped, ...] = field(default_factory=tuple)
