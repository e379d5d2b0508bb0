"""What the dashboard shows: read-model rows as immutable values, with no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from iop_shared.contracts.outbound import Severity

SEVERITY_RANK = {Severity.low: 1, Severity.medium: 2, Severity.high: 3, Severity.critical: 4}


class FlagStatus(StrEnum):
    open = "open"
    acknowledged = "acknowledged"
    resolved = "resolved"


class Outcome(StrEnum):
    sent = "sent"
    delivered = "delivered"
    failed = "failed"
    suppressed = "suppressed"


@dataclass(frozen=True)
class SessionToday:
    """One session of the day with its expected and recorded attendance."""

    session_id: str
    program_id: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    cancelled: bool
    expected: int
    present: int
    late: int
    left_early: int
    absent: int
    excused: int
    missed: int

    @property
    def attended(self) -> int:
        return self.present + self.late + self.left_early

    @property
    def recorded(self) -> int:
        return self.attended + self.absent + self.excused


@dataclass(frozen=True)
class MissedVisit:
    """A missed visit that has not been retracted."""

    visit_id: str
    session_id: str
    patient_id: str
    kind: str | None
    detected_at: datetime


@dataclass(frozen=True)
class Flag:
    """A risk flag as the care team sees it: ids, severity, rule and plain reasons."""

    flag_id: str
    patient_id: str
    care_team_id: str | None
    severity: Severity
    rule: str
    reasons: tuple[str, ...]
    raised_at: datetime
    status: FlagStatus
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    clinic_id: str | None = None
    preferred_name: str | None = None
    nobody_paged: bool = False  # the notifier found nobody on the care team to page


@dataclass(frozen=True)
class Concern:
    """A patient reply nobody could read confidently, waiting for a person to open it (ids and time only)."""

    concern_id: str
    patient_id: str
    clinic_id: str
    preferred_name: str | None
    received_at: datetime


@dataclass(frozen=True)
class NotificationCount:
    """How many notifications ended in `outcome`, per channel and reason ('' when there is none)."""

    outcome: Outcome
    channel: str
    reason: str
    count: int


@dataclass(frozen=True)
class WeekAttendance:
    """Expected and recorded attendance of the sessions that started in one week."""

    week_start: date
    expected: int
    attended: int
    excused: int

    @property
    def rate(self) -> float | None:
        """Attended over expected, excused absences left out; None when nothing was expected."""
        due = self.expected - self.excused
        return None if due <= 0 else min(1.0, self.attended / due)


@dataclass(frozen=True)
class KindNoShows:
    kind: str
    count: int


@dataclass(frozen=True)
class ScoreTrend:
    """One patient's completed totals of one instrument, oldest first (numbers only)."""

    patient_id: str
    preferred_name: str | None
    instrument: str
    totals: tuple[int, ...]
    last_at: datetime
    item9_positive: bool

    @property
    def change(self) -> int:
        return self.totals[-1] - self.totals[0] if len(self.totals) > 1 else 0


@dataclass(frozen=True)
class Completion:
    """Check-ins of one instrument offered and completed in a program over the chart period."""

    program_id: str
    instrument: str
    offered: int
    completed: int

    @property
    def rate(self) -> float:
        return self.completed / self.offered if self.offered else 0.0


@dataclass(frozen=True)
class Overview:
    """Everything on the page at one moment."""

    generated_at: datetime
    timezone: str
    day: date
    sessions: tuple[SessionToday, ...]
    missed: tuple[MissedVisit, ...]
    flags: tuple[Flag, ...]
    notifications: tuple[NotificationCount, ...]
    weeks: tuple[WeekAttendance, ...]
    no_shows: tuple[KindNoShows, ...]
    concerns: tuple[Concern, ...] = ()
    clinics: tuple[str, ...] = ()
    scores: tuple[ScoreTrend, ...] = ()
    completion: tuple[Completion, ...] = ()
