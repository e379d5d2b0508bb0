"""Builders and an in-memory risk simulator for tests and the benchmark (no I/O)."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from iop_attendance.domain.flags import reconcile
from iop_attendance.domain.model import Checkin, Finding, FlagState, FlagStatus, History, Profile, Prompt, Visit
from iop_attendance.domain.rules import evaluate
from iop_attendance.domain.ruleset import RuleSet
from iop_shared.contracts import Contract, Envelope, clinic_source
from iop_shared.contracts.inbound import (
    AgeGroup,
    AttendanceRecorded,
    AttendanceSource,
    AttendanceStatus,
    Consent,
    Location,
    PatientUpserted,
    SessionKind,
    SessionUpserted,
)
from iop_shared.contracts.outbound import CheckinIntent, CheckinReceived

T0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # a Monday
_ids = itertools.count(1)


def visit(day: int, status: AttendanceStatus | None = None, *, missed: bool | None = None, hours: float = 3,
          expected: bool = True, kind: SessionKind = SessionKind.group, start: datetime = T0) -> Visit:
    """A visit `day` days after `start`; missed defaults to 'no positive record'."""
    starts = start + timedelta(days=day)
    positive = status in (AttendanceStatus.present, AttendanceStatus.late, AttendanceStatus.left_early,
                          AttendanceStatus.excused)
    is_missed = (not positive) if missed is None else missed
    sid = f"s{day}-{next(_ids)}"
    return Visit(session_id=sid, patient_id="p1", kind=kind, starts_at=starts,
                 ends_at=starts + timedelta(hours=hours), expected=expected, status=status,
                 missed_visit_id=f"v-{sid}" if is_missed else None, missed_event_id=f"e-{sid}" if is_missed else None)


def attended(day: int, **kw: object) -> Visit:
    return visit(day, AttendanceStatus.present, **kw)  # type: ignore[arg-type]


def missed(day: int, **kw: object) -> Visit:
    return visit(day, None, **kw)  # type: ignore[arg-type]


def checkin(intent: CheckinIntent, value: int | None, at: datetime, prompt: str | None = None) -> Checkin:
    n = next(_ids)
    return Checkin(f"c{n}", f"ev{n}", intent, value, at, prompt)


def history(visits: list[Visit] | tuple[Visit, ...] = (), checkins: list[Checkin] | tuple[Checkin, ...] = (),
            prompts: list[Prompt] | tuple[Prompt, ...] = (), age: AgeGroup = AgeGroup.adult) -> History:
    return History(Profile("p1", "team1", "clinic1", age, "UTC"), tuple(visits), tuple(checkins), tuple(prompts))


@dataclass
class Simulator:
    """Evaluates and reconciles after each step, keeping flags in memory like the repository would."""

    rules: RuleSet
    flags: list[FlagState] = field(default_factory=list)
    raised: list[tuple[Finding, datetime]] = field(default_factory=list)

    def step(self, h: History, now: datetime) -> dict[str, Finding]:
        findings = evaluate(self.rules, h, now)
        decisions = reconcile(self.rules, findings, self.flags, now)
        resolved = {f.flag_id for f in decisions.resolve}
        self.flags = [replace(f, status=FlagStatus.resolved, auto_resolved=True) if f.flag_id in resolved else f
                      for f in self.flags]
        for finding in decisions.raise_for:
            rule = self.rules.get(finding.rule_id)
            assert rule is not None
            self.flags.append(FlagState(f"f{next(_ids)}", finding.rule_id, finding.pattern_key, rule.severity, now))
            self.raised.append((finding, now))
        return findings

    def open_rules(self) -> set[str]:
        return {f.rule_id for f in self.flags if f.is_open}

    def clinician_resolves(self, rule_id: str) -> None:
        self.flags = [replace(f, status=FlagStatus.resolved) if f.rule_id == rule_id and f.is_open else f
                      for f in self.flags]


def session_upserted(session_id: str, attendees: list[str], starts_at: datetime, *, revision: int = 1,
                     hours: float = 3, program_id: str = "prog-1", clinic_id: str = "clinic-1",
                     kind: SessionKind = SessionKind.group) -> SessionUpserted:
    """A session event as a clinic system would publish it."""
    return SessionUpserted(session_id=session_id, clinic_id=clinic_id, program_id=program_id, kind=kind,
                           starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours), timezone="UTC",
                           location=Location(public_label="Main office"), attendees=attendees, revision=revision)


def patient_upserted(patient_id: str, *, care_team_id: str = "team-1", clinic_id: str = "clinic-1",
                     age_group: AgeGroup = AgeGroup.adult, revision: int = 1) -> PatientUpserted:
    return PatientUpserted(patient_id=patient_id, clinic_id=clinic_id, timezone="UTC", care_team_id=care_team_id,
                           consent=Consent(sms=True, recorded_at=T0, source="intake"), age_group=age_group,
                           revision=revision)


def attendance_recorded(session_id: str, patient_id: str, status: AttendanceStatus,
                        at: datetime) -> AttendanceRecorded:
    return AttendanceRecorded(session_id=session_id, patient_id=patient_id, status=status, recorded_at=at,
                              source=AttendanceSource.staff)


def checkin_received(patient_id: str, intent: CheckinIntent, at: datetime, value: int | None = None,
                     checkin_id: str | None = None) -> CheckinReceived:
    return CheckinReceived(checkin_id=checkin_id or f"c-{uuid.uuid4().hex[:12]}", patient_id=patient_id,
                           intent=intent, value=value, received_at=at)


def envelope(data: Contract, clinic_id: str | None = None) -> Envelope[Contract]:
    """Wrapped as a clinic system's CloudEvent, published by the event's clinic (else `clinic_id`, else clinic-1)."""
    clinic = clinic_id or getattr(data, "clinic_id", None) or "clinic-1"
    return Envelope(data=data, source=clinic_source(clinic, "test"))
