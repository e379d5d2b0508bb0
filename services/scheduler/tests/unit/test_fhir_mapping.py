"""FHIR R4 Appointment mapping, with the HL7 example resources."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from iop_scheduler.domain.fhir import Appointment, FhirFieldError, map_appointment
from iop_shared.contracts.inbound import AttendanceRecorded, AttendanceStatus, SessionCancelled, SessionUpserted

EXAMPLES = Path(__file__).parent.parent / "fixtures" / "fhir"
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def example(name: str, **changes: Any) -> Appointment:
    return Appointment.model_validate({**json.loads((EXAMPLES / f"{name}.json").read_text()), **changes})


def mapped(appt: Appointment) -> list[Any]:
    return map_appointment(appt, "clinic-a", "prog", "America/New_York", NOW)


@pytest.mark.unit
def test_booked_hl7_examples_become_session_upserts_with_patient_attendees() -> None:
    [event] = mapped(example("appointment-example"))
    assert isinstance(event, SessionUpserted)
    assert (event.session_id, event.attendees, event.starts_at, event.location and event.location.public_label) == (
        "example", ["example"], datetime(2013, 12, 10, 9, tzinfo=UTC), "South Wing, second floor")
    assert event.internal_title is None  # nothing clinical leaves the FHIR resource
    [two] = mapped(example("appointment-example2doctors"))
    assert isinstance(two, SessionUpserted) and two.attendees == ["example"]


@pytest.mark.unit
@pytest.mark.parametrize(("status", "expected"), [("arrived", AttendanceStatus.present),
                                                  ("checked-in", AttendanceStatus.present),
                                                  ("fulfilled", AttendanceStatus.present),
                                                  ("noshow", AttendanceStatus.absent)])
def test_arrival_statuses_become_attendance(status: str, expected: AttendanceStatus) -> None:
    [event] = mapped(example("appointment-example", status=status))
    assert isinstance(event, AttendanceRecorded)
    assert (event.patient_id, event.session_id, event.status) == ("example", "example", expected)


@pytest.mark.unit
def test_cancelled_proposed_and_revisions() -> None:
    [event] = mapped(example("appointment-example", status="cancelled", meta={"versionId": "7"}))
    assert isinstance(event, SessionCancelled) and event.revision == 7
    assert mapped(example("appointment-example-request")) == []
    stamped = example("appointment-example", meta={"lastUpdated": "2026-05-01T00:00:00Z"})
    assert mapped(stamped)[0].revision == int(datetime(2026, 5, 1, tzinfo=UTC).timestamp() * 1000)


@pytest.mark.unit
def test_a_booked_appointment_without_start_names_the_field() -> None:
    with pytest.raises(FhirFieldError) as err:
        mapped(example("appointment-example-request", status="booked"))
    assert err.value.field == "start"
