"""What the risk engine and the missed-visit logic reason about: plain values, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cached_property
from typing import NamedTuple

from iop_shared.contracts.inbound import AgeGroup, AttendanceStatus, SessionKind
from iop_shared.contracts.outbound import CheckinIntent, Severity

HOUR = timedelta(hours=1)
ATTENDED = frozenset({AttendanceStatus.present, AttendanceStatus.late, AttendanceStatus.left_early})


class Outcome(StrEnum):
    """Where one expected visit stands."""

    pending = "pending"
    attended = "attended"
    missed = "missed"
    excused = "excused"
    void = "void"


class Visit(NamedTuple):
    """One patient expected (or seen) at one session (a tuple: histories build dozens per evaluation)."""

    session_id: str
    patient_id: str
    kind: SessionKind
    starts_at: datetime
    ends_at: datetime
    expected: bool
    status: AttendanceStatus | None = None
    missed_visit_id: str | None = None
    missed_event_id: str | None = None
    due_at: datetime | None = None
    program_id: str = ""

    @property
    def outcome(self) -> Outcome:
        if self.status in ATTENDED:
            return Outcome.attended
        if not self.expected:
            return Outcome.void
        if self.status is AttendanceStatus.excused:
            return Outcome.excused
        if self.missed_visit_id is not None:
            return Outcome.missed
        return Outcome.pending

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at) / HOUR


@dataclass(frozen=True)
class Checkin:
    """A scored or classified reply, never its text."""

    checkin_id: str
    event_id: str
    intent: CheckinIntent
    value: int | None
    received_at: datetime
    prompt_reminder_id: str | None = None


@dataclass(frozen=True)
class Assessment:
    """One questionnaire outcome (numbers only): completed, or expired/stopped without a total."""

    assessment_id: str
    event_id: str
    instrument: str
    status: str
    total: int | None
    band: str | None
    item9_positive: bool
    completed_at: datetime


@dataclass(frozen=True)
class Prompt:
    """A check-in prompt the scheduler sent to the patient."""

    reminder_id: str
    due_at: datetime


@dataclass(frozen=True)
class Profile:
    """The patient facts rules depend on."""

    patient_id: str
    care_team_id: str | None = None
    clinic_id: str | None = None
    age_group: AgeGroup = AgeGroup.adult
    timezone: str = "UTC"


@dataclass(frozen=True)
class History:
    """Everything the rules see about one patient, visits ordered by start."""

    profile: Profile
    visits: tuple[Visit, ...] = ()
    checkins: tuple[Checkin, ...] = ()
    prompts: tuple[Prompt, ...] = ()
    assessments: tuple[Assessment, ...] = ()  # oldest first

    @cached_property
    def concluded(self) -> tuple[tuple[Visit, bool], ...]:
        """(visit, missed) for visits attended or missed, oldest first: what the attendance rules count."""
        pairs = ((v, v.outcome) for v in self.visits)
        return tuple((v, o is Outcome.missed) for v, o in pairs if o is Outcome.attended or o is Outcome.missed)


@dataclass(frozen=True)
class Finding:
    """A rule's pattern present right now; the key names the pattern so it raises one flag."""

    rule_id: str
    pattern_key: str
    evidence: tuple[str, ...]
    values: dict[str, object] = field(default_factory=dict)


class FlagStatus(StrEnum):
    open = "open"
    acknowledged = "acknowledged"
    resolved = "resolved"


@dataclass(frozen=True)
class FlagState:
    """A flag as the engine needs to see it."""

    flag_id: str
    rule_id: str
    pattern_key: str
    severity: Severity
    raised_at: datetime
    status: FlagStatus = FlagStatus.open
    auto_resolved: bool = False

    @property
    def is_open(self) -> bool:
        return self.status is not FlagStatus.resolved
