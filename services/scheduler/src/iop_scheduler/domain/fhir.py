"""FHIR R4 Appointment -> the same inbound events a clinic would publish (DOMAIN.md's mapping)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from iop_shared.contracts import Contract
from iop_shared.contracts.common import INT64_MAX
from iop_shared.contracts.inbound import (
    AttendanceRecorded,
    AttendanceSource,
    AttendanceStatus,
    Location,
    SessionCancelled,
    SessionKind,
    SessionUpserted,
)
from iop_shared.contracts.lockscreen import REFUSAL, clinical_terms

Status = Literal["proposed", "pending", "booked", "arrived", "fulfilled", "cancelled", "noshow",
                 "entered-in-error", "checked-in", "waitlist"]


class _Fhir(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class Reference(_Fhir):
    reference: str | None = None
    display: str | None = None


class Coding(_Fhir):
    system: str | None = None
    code: str | None = None
    display: str | None = None


class CodeableConcept(_Fhir):
    coding: list[Coding] = Field(default_factory=list)
    text: str | None = None


class Participant(_Fhir):
    actor: Reference | None = None
    status: Literal["accepted", "declined", "tentative", "needs-action"] | None = None


class Meta(_Fhir):
    version_id: str | None = Field(default=None, alias="versionId")
    last_updated: AwareDatetime | None = Field(default=None, alias="lastUpdated")

    @field_validator("version_id")
    @classmethod
    def _plain_digits(cls, value: str | None) -> str | None:
        # str.isdigit() accepts "²" and other Unicode digits that int() refuses: only ASCII 0-9 become a revision.
        if value is not None and not (value.isascii() and value.isdigit() and int(value) <= INT64_MAX):
            raise ValueError("must be plain ASCII digits (a non-negative 64-bit integer)")
        return value


class Appointment(_Fhir):
    """The fields of a FHIR R4 Appointment the scheduler reads; everything else is ignored."""

    resource_type: Literal["Appointment"] = Field(alias="resourceType")
    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9\-.]{1,64}$")
    meta: Meta | None = None
    status: Status
    start: AwareDatetime | None = None
    end: AwareDatetime | None = None
    minutes_duration: int | None = Field(default=None, alias="minutesDuration", gt=0)
    appointment_type: CodeableConcept | None = Field(default=None, alias="appointmentType")
    service_type: list[CodeableConcept] = Field(default_factory=list, alias="serviceType")
    participant: list[Participant] = Field(min_length=1)


class FhirFieldError(ValueError):
    """An Appointment that is valid FHIR but cannot become a session; names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def revision_of(appt: Appointment, now: datetime) -> int:
    """meta.versionId when numeric, else meta.lastUpdated (ms), else the time of receipt (ms)."""
    version = appt.meta.version_id if appt.meta else None
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    if version and re.fullmatch(r"[0-9]+", version):
        if int(version) > INT64_MAX:
            raise FhirFieldError("meta.versionId", "must be at most 9223372036854775807 as a revision")
        return int(version)
    stamp = appt.meta.last_updated if appt.meta and appt.meta.last_updated else now
    return int(stamp.timestamp() * 1000)


def attendees_of(appt: Appointment) -> list[str]:
    """Patient participants who have not declined."""
    return [p.actor.reference.split("/", 1)[1] for p in appt.participant
            if p.actor and p.actor.reference and p.actor.reference.startswith("Patient/") and p.status != "declined"]


def kind_of(appt: Appointment) -> SessionKind:
    words = " ".join(f"{c.code or ''} {c.display or ''}" for cc in [appt.appointment_type, *appt.service_type]
                     if cc for c in cc.coding).lower()
    return next((k for k in SessionKind if k.value in words), SessionKind.individual)


def place_of(appt: Appointment) -> Location:
    label = next((p.actor.display for p in appt.participant if p.actor and p.actor.reference
                  and p.actor.reference.startswith("Location/") and p.actor.display), None)
    if label and clinical_terms(label):  # the display becomes the reminder's place: lock-screen text
        raise FhirFieldError("participant.actor.display", f"Location display {REFUSAL}")
    return Location(public_label=(label or "Clinic")[:60])


def map_appointment(appt: Appointment, clinic_id: str, program_id: str, timezone: str,
                    now: datetime) -> list[Contract]:
    """The inbound events this Appointment stands for; empty for proposed or waitlisted ones."""
    revision = revision_of(appt, now)
    attendees = attendees_of(appt)
    if appt.status in ("booked", "pending"):
        if appt.start is None:
            raise FhirFieldError("start", "a booked or pending appointment needs a start")
        if not attendees:  # a session with nobody in it would plan nothing and hide the mistake
            raise FhirFieldError("participant", "a booked or pending appointment needs a Patient participant")
        end = appt.end or (appt.start + timedelta(minutes=appt.minutes_duration) if appt.minutes_duration else None)
        if end is None or end <= appt.start:
            raise FhirFieldError("end", "needs an end (or minutesDuration) after the start")
        return [SessionUpserted(session_id=appt.id, clinic_id=clinic_id, program_id=program_id, kind=kind_of(appt),
                                starts_at=appt.start, ends_at=end, timezone=timezone, location=place_of(appt),
                                attendees=attendees, revision=revision)]
    if appt.status in ("cancelled", "entered-in-error"):
        return [SessionCancelled(session_id=appt.id, revision=revision)]
    if appt.status in ("arrived", "checked-in", "fulfilled", "noshow"):
        status = AttendanceStatus.absent if appt.status == "noshow" else AttendanceStatus.present
        return [AttendanceRecorded(session_id=appt.id, patient_id=pid, status=status, recorded_at=now,
                                   source=AttendanceSource.ehr) for pid in attendees]
    return []
