"""Events published by clinic systems (or through the services' HTTP ingest)."""

from __future__ import annotations

import os
from datetime import time
from enum import StrEnum
from typing import Annotated, Self

from pydantic import AfterValidator, EmailStr, Field, model_validator

from ..quiet_hours import EQUAL_EDGES
from .common import E164, Contract, EntityId, Revision, Timestamp, TimeZoneName
from .lockscreen import LockScreenLink, LockScreenText

DEFAULT_MAX_ATTENDEES = 500


def max_attendees() -> int:
    """The bound on a session's roster: IOP_MAX_ATTENDEES (read when validating, so every service shares it)."""
    return int(os.environ.get("IOP_MAX_ATTENDEES") or DEFAULT_MAX_ATTENDEES)


def _bounded_roster(value: list[str]) -> list[str]:
    limit = max_attendees()
    if len(value) > limit:
        raise ValueError(f"a session lists at most {limit} attendees")
    return value


Attendees = Annotated[list[EntityId], AfterValidator(_bounded_roster)]
"""A session's roster, bounded by IOP_MAX_ATTENDEES (default 500)."""

MAX_WAITLIST = 50
Waitlist = Annotated[list[EntityId], Field(max_length=MAX_WAITLIST)]
"""Patients waiting for a seat, in the clinic's order; bounded so one release never fans out unboundedly."""


class Locale(StrEnum):
    en = "en"
    es = "es"


class Channel(StrEnum):
    sms = "sms"
    email = "email"


class AgeGroup(StrEnum):
    adult = "adult"
    adolescent = "adolescent"


class SessionKind(StrEnum):
    group = "group"
    individual = "individual"
    family = "family"
    medication = "medication"
    assessment = "assessment"


class AttendanceStatus(StrEnum):
    present = "present"
    late = "late"
    left_early = "left_early"
    absent = "absent"
    excused = "excused"


class AttendanceSource(StrEnum):
    kiosk = "kiosk"
    staff = "staff"
    telehealth = "telehealth"
    ehr = "ehr"


class QuietHours(Contract):
    """Local-time window in which messages may be sent: start inclusive, end exclusive; may wrap midnight."""

    start: time
    end: time

    @model_validator(mode="after")
    def _edges_differ(self) -> Self:
        if self.start == self.end:
            raise ValueError(EQUAL_EDGES)
        return self


class ClinicUpserted(Contract):
    """iop.clinic.upserted.v1"""

    clinic_id: EntityId
    public_name: LockScreenText = Field(min_length=1, max_length=40)  # shown in every patient message
    callback_phone: E164
    timezone: TimeZoneName
    default_locale: Locale = Locale.en
    quiet_hours: QuietHours | None = None
    revision: Revision


class Consent(Contract):
    sms: bool = False
    email: bool = False
    recorded_at: Timestamp
    source: str = Field(min_length=1, max_length=64)


class SupportPerson(Contract):
    """A patient's consented support person: reminders of the listed session kinds only, never anything else."""

    support_id: EntityId
    name: str | None = Field(default=None, max_length=60)  # for staff; never in a message
    phone: E164 | None = None
    email: EmailStr | None = None
    locale: Locale = Locale.en
    consent_recorded_at: Timestamp
    consent_source: str = Field(min_length=1, max_length=64)
    consent_revoked_at: Timestamp | None = Field(default=None, description="set: nothing more is sent, at once")
    session_kinds: list[SessionKind] = Field(min_length=1, max_length=5, description="e.g. [family]")


class DetailedCheckinConsent(Contract):
    """The patient agreed to questionnaire check-ins (PHQ/GAD items by text): when and how."""

    given_at: Timestamp
    method: str = Field(min_length=1, max_length=64)  # e.g. "intake-form", "verbal-recorded"


class PatientUpserted(Contract):
    """iop.patient.upserted.v1"""

    patient_id: EntityId
    clinic_id: EntityId
    preferred_name: str | None = Field(default=None, max_length=60)
    phone: E164 | None = None
    email: EmailStr | None = None
    timezone: TimeZoneName
    locale: Locale = Locale.en
    channels: list[Channel] = Field(default_factory=lambda: [Channel.sms, Channel.email], max_length=2)
    consent: Consent
    care_team_id: EntityId
    age_group: AgeGroup = AgeGroup.adult
    revision: Revision
    discharged_at: Timestamp | None = None
    support_persons: list[SupportPerson] = Field(default_factory=list, max_length=5)
    # Additive: without it only the neutral 0-10 check-in is sent, never a questionnaire item.
    detailed_checkins: DetailedCheckinConsent | None = None

    @model_validator(mode="after")
    def _channels_unique(self) -> Self:
        if len(set(self.channels)) != len(self.channels):
            raise ValueError("channels must not repeat")
        return self


class CareTeamMember(Contract):
    member_id: EntityId
    name: str = Field(min_length=1, max_length=120)
    role: str = Field(min_length=1, max_length=60)
    phone: E164 | None = None
    email: EmailStr | None = None
    on_call: bool = False


class CareTeamUpserted(Contract):
    """iop.care_team.upserted.v1"""

    care_team_id: EntityId
    clinic_id: EntityId
    members: list[CareTeamMember]
    revision: Revision


class Location(Contract):
    public_label: LockScreenText = Field(min_length=1, max_length=60)  # shown in patient reminders
    address: str | None = Field(default=None, max_length=200)


class Telehealth(Contract):
    """How a patient joins a video session: the link goes into their reminders, so it must be lock-screen safe."""

    join_url: LockScreenLink = Field(description="the join link; no clinical word in its host, path or query")


class SessionUpserted(Contract):
    """iop.session.upserted.v1"""

    session_id: EntityId
    clinic_id: EntityId
    program_id: EntityId
    kind: SessionKind
    internal_title: str | None = Field(default=None, max_length=200)
    starts_at: Timestamp
    ends_at: Timestamp
    timezone: TimeZoneName
    location: Location | None = None
    telehealth: Telehealth | None = None
    attendees: Attendees = Field(default_factory=list, description="patient ids; at most IOP_MAX_ATTENDEES (500)")
    revision: Revision
    capacity: int | None = Field(default=None, ge=1, le=500,
                                 description="seats; with a waitlist, a released seat is offered to it by text")
    waitlist: Waitlist = Field(default_factory=list,
                               description="patient ids waiting for a seat, in order; at most 50")

    @model_validator(mode="after")
    def _times_in_order(self) -> Self:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        if self.location is None and self.telehealth is None:
            raise ValueError("a session needs a location or telehealth")
        return self


class SessionCancelled(Contract):
    """iop.session.cancelled.v1"""

    session_id: EntityId
    reason: str | None = Field(default=None, max_length=200)
    revision: Revision


class AttendanceRecorded(Contract):
    """iop.attendance.recorded.v1"""

    session_id: EntityId
    patient_id: EntityId
    status: AttendanceStatus
    recorded_at: Timestamp
    source: AttendanceSource
