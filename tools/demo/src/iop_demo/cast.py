"""The demo clinic's people and sessions: about 50 patients across time zones, locales and channels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from iop_shared.contracts.inbound import (
    CareTeamMember,
    CareTeamUpserted,
    Channel,
    ClinicUpserted,
    Consent,
    DetailedCheckinConsent,
    Locale,
    PatientUpserted,
)

CLINIC_ID = "clinic-demo"
QUESTIONNAIRE_PATIENT = 20  # consented to detailed check-ins: the demo's PHQ-9 by text
CARE_TEAM_ID = "team-demo"
PROGRAM_ID = "program-demo"
ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Phoenix",
         "Pacific/Honolulu", "America/Anchorage", "America/Puerto_Rico", "Europe/London", "Australia/Sydney")


@dataclass(frozen=True)
class Cast:
    """Who takes part in one demo run; ids carry the run id so runs never collide."""

    run: str
    patients: list[PatientUpserted]

    def patient_id(self, index: int) -> str:
        return self.patients[index].patient_id


def _zones_by_local_hour(now: datetime) -> tuple[list[str], list[str]]:
    """Zones where it is now daytime (messages go out) and where it is night (quiet hours defer them)."""
    day: list[str] = []
    night: list[str] = []
    for zone in ZONES:
        hour = now.astimezone(ZoneInfo(zone)).hour
        (day if 9 <= hour < 20 else night).append(zone)
    return day or ["UTC"], night


def clinic(run: str) -> ClinicUpserted:
    return ClinicUpserted(clinic_id=CLINIC_ID, public_name="Harbor Health", callback_phone="+15555550100",
                          timezone="America/New_York", revision=int(run, 16) % 1_000_000_000)


def care_team(run: str) -> CareTeamUpserted:
    members = [
        CareTeamMember(member_id="m-oncall", name="Dr. Rivera", role="clinician", phone="+15555550150",
                       email="oncall@clinic.example", on_call=True),
        CareTeamMember(member_id="m-backup", name="J. Chen", role="counselor", phone="+15555550151",
                       email="backup@clinic.example", on_call=True),
        CareTeamMember(member_id="m-lead", name="A. Patel", role="supervisor", email="lead@clinic.example"),
    ]
    return CareTeamUpserted(care_team_id=CARE_TEAM_ID, clinic_id=CLINIC_ID, members=members,
                            revision=int(run, 16) % 1_000_000_000)


def make_cast(run: str, now: datetime, count: int = 50) -> Cast:
    """Patients: mostly in zones where it is daytime now, three at night; a mix of locales and channels."""
    day, night = _zones_by_local_hour(now)
    consent_time = now - timedelta(days=3)
    patients = []
    for i in range(count):
        zone = night[i % len(night)] if night and i in (47, 48, 49) else day[i % len(day)]
        channels = [Channel.email] if i % 10 == 9 else [Channel.email, Channel.sms] if i % 10 == 8 else [
            Channel.sms, Channel.email]
        patients.append(PatientUpserted(
            patient_id=f"p-{run}-{i:02d}", clinic_id=CLINIC_ID, preferred_name=f"Demo {i:02d}",
            phone=f"+1555555{1000 + i:04d}" if i % 10 != 9 else None, email=f"patient{i:02d}@example.org",
            timezone=zone, locale=Locale.es if i % 4 == 3 else Locale.en, channels=channels,
            consent=Consent(sms=i % 10 != 9, email=True, recorded_at=consent_time, source="intake-form"),
            care_team_id=CARE_TEAM_ID, age_group="adolescent" if i % 12 == 5 else "adult", revision=1,
            detailed_checkins=DetailedCheckinConsent(given_at=consent_time, method="intake-form")
            if i == QUESTIONNAIRE_PATIENT else None))
    return Cast(run=run, patients=patients)
