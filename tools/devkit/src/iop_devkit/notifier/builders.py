"""Events as clinic systems and the other services publish them, with unique ids, for tests and the benchmark."""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta

from iop_shared.contracts.cloudevents import Envelope
from iop_shared.contracts.inbound import (
    CareTeamMember,
    CareTeamUpserted,
    Channel,
    ClinicUpserted,
    Consent,
    DetailedCheckinConsent,
    Location,
    PatientUpserted,
    QuietHours,
    SessionKind,
    SessionUpserted,
)
from iop_shared.contracts.outbound import CheckinKind, ReminderDue, ReminderPurpose, RiskFlagged, Severity
from iop_shared.contracts.tenancy import clinic_source

SESSION_TITLE = "Relapse Prevention Group (SUD track)"


def uid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def phone() -> str:
    return f"+1555{random.randint(2000000, 9999999)}"


def clinic(clinic_id: str, *, zone: str = "America/New_York", quiet: tuple[time, time] | None = None,
           revision: int = 1) -> Envelope[ClinicUpserted]:
    qh = QuietHours(start=quiet[0], end=quiet[1]) if quiet else None
    return Envelope(ClinicUpserted(clinic_id=clinic_id, public_name="Riverside Wellness", callback_phone="+15551234567",
                                   timezone=zone, quiet_hours=qh, revision=revision),
                    source=clinic_source(clinic_id, "test"))


def always_quiet() -> tuple[time, time]:
    """A quiet-hours override that allows one second a day (03:00:00): in effect always quiet.

    Equal start and end are refused at ingest (they could mean never or always), so "never" is a tiny window.
    """
    return time(3, 0), time(3, 0, 1)


def all_day() -> tuple[time, time]:
    """A quiet-hours override that allows every minute, so tests do not depend on the hour they run."""
    return time(0, 0), time(23, 59, 59)


def patient(patient_id: str, clinic_id: str, *, phone_number: str | None = None, email: str | None = None,
            channels: tuple[str, ...] = ("sms", "email"), sms: bool = True, mail: bool = True,
            care_team_id: str = "team-x", zone: str = "America/New_York", locale: str = "en",
            revision: int = 1, discharged: bool = False, detailed: bool = False) -> Envelope[PatientUpserted]:
    consent = DetailedCheckinConsent(given_at=datetime.now(UTC), method="intake-form") if detailed else None
    return Envelope(PatientUpserted(
        patient_id=patient_id, clinic_id=clinic_id, phone=phone_number, email=email, timezone=zone,
        locale=locale, channels=[Channel(c) for c in channels],
        consent=Consent(sms=sms, email=mail, recorded_at=datetime.now(UTC), source="intake"),
        care_team_id=care_team_id, revision=revision,
        discharged_at=datetime.now(UTC) - timedelta(days=1) if discharged else None, detailed_checkins=consent),
        source=clinic_source(clinic_id, "test"))


def session(session_id: str, clinic_id: str, attendees: list[str], *, starts_in: timedelta = timedelta(days=2),
            revision: int = 1) -> Envelope[SessionUpserted]:
    start = datetime.now(UTC).replace(microsecond=0) + starts_in
    return Envelope(SessionUpserted(
        session_id=session_id, clinic_id=clinic_id, program_id="prog-dual-dx-iop", kind=SessionKind.group,
        internal_title=SESSION_TITLE, starts_at=start, ends_at=start + timedelta(hours=3),
        timezone="America/New_York", location=Location(public_label="Suite 210"), attendees=attendees,
        revision=revision), source=clinic_source(clinic_id, "test"))


def reminder(patient_id: str, clinic_id: str, session_ids: list[str], *, urgent: bool = False,
             purpose: ReminderPurpose = ReminderPurpose.upcoming_session,
             reminder_id: str | None = None, checkin_kind: CheckinKind | None = None) -> Envelope[ReminderDue]:
    return Envelope(ReminderDue(
        reminder_id=reminder_id or uid("rem"), patient_id=patient_id, clinic_id=clinic_id, purpose=purpose,
        session_ids=session_ids, due_at=datetime.now(UTC), urgent=urgent, checkin_kind=checkin_kind),
        source="iop/scheduler")


def care_team(team_id: str, clinic_id: str, members: Sequence[tuple[str, bool, str | None, str | None]],
              revision: int = 1) -> Envelope[CareTeamUpserted]:
    """members: (member_id, on_call, phone, email)."""
    return Envelope(CareTeamUpserted(care_team_id=team_id, clinic_id=clinic_id, members=[
        CareTeamMember(member_id=m, name="Dr. Example", role="counselor", phone=p, email=e, on_call=oc)
        for m, oc, p, e in members], revision=revision), source=clinic_source(clinic_id, "test"))


def risk_flag(patient_id: str, team_id: str | None, severity: Severity = Severity.critical,
              rule: str = "crisis_text", evidence: list[str] | None = None) -> Envelope[RiskFlagged]:
    return Envelope(RiskFlagged(flag_id=uid("flag"), patient_id=patient_id, care_team_id=team_id,
                                severity=severity, rule=rule, evidence=evidence or [], raised_at=datetime.now(UTC)),
                    source="iop/attendance")
