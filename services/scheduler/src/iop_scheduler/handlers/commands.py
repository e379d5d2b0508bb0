"""HTTP ingest use cases: validate ownership, then publish the same inbound events through the outbox.

The scheduler's own consumer applies them like any clinic's event (and checks tenancy again, on what it has
applied by then), so HTTP and Kafka clients get identical behaviour (and the attendance service sees FHIR
attendance through its topic). Events carry `ce_source` /clinics/<clinic_id>/scheduler.
"""

from __future__ import annotations

from iop_shared import outbox
from iop_shared.contracts import Contract, Envelope, TenantMismatch
from iop_shared.contracts.inbound import AttendanceRecorded, PatientUpserted, SessionCancelled, SessionUpserted
from iop_shared.contracts.reschedule import SlotUpserted
from iop_shared.contracts.tenancy import clinic_source, roster_check, same_clinic

from ..adapters.repository import sql
from ..domain.fhir import Appointment, map_appointment
from .deps import Deps

SYSTEM = "scheduler"
Forbidden = TenantMismatch
"""The caller's clinic does not own this data (403 naming the field)."""


class NotFound(Exception):
    pass


async def publish(deps: Deps, clinic_id: str, events: list[Contract]) -> list[str]:
    source = clinic_source(clinic_id, SYSTEM)
    envelopes = [Envelope(data=e, source=source, time=deps.clock.now()) for e in events]
    async with deps.store.transaction() as repo:
        await outbox.add(repo.conn, envelopes)
    return [e.id for e in envelopes]


async def _owner_of_session(deps: Deps, session_id: str) -> str | None:
    async with deps.store.transaction() as repo:
        return await repo.session_clinic(session_id)


async def _check_roster(deps: Deps, clinic_id: str, patient_ids: list[str], field: str) -> None:
    async with deps.store.transaction() as repo:
        roster_check(patient_ids, await repo.owners_of(patient_ids), clinic_id, field)


async def upsert_session(deps: Deps, clinic_id: str, body: SessionUpserted) -> list[str]:
    same_clinic("clinic_id", clinic_id, body.clinic_id)
    same_clinic("clinic_id", clinic_id, await _owner_of_session(deps, body.session_id))
    await _check_roster(deps, clinic_id, list(body.attendees), "attendees")
    await _check_roster(deps, clinic_id, list(body.waitlist), "waitlist")
    return await publish(deps, clinic_id, [body])


async def cancel_session(deps: Deps, clinic_id: str, body: SessionCancelled) -> list[str]:
    owner = await _owner_of_session(deps, body.session_id)
    if owner is None:
        raise NotFound
    same_clinic("session_id", clinic_id, owner)
    return await publish(deps, clinic_id, [body])


async def upsert_patient(deps: Deps, clinic_id: str, body: PatientUpserted) -> list[str]:
    same_clinic("clinic_id", clinic_id, body.clinic_id)
    async with deps.store.transaction() as repo:
        same_clinic("clinic_id", clinic_id, (await repo.owners_of([body.patient_id])).get(body.patient_id))
    return await publish(deps, clinic_id, [body])


async def fhir_appointment(deps: Deps, clinic_id: str, appt: Appointment) -> list[str]:
    same_clinic("id", clinic_id, await _owner_of_session(deps, appt.id))
    async with deps.store.transaction() as repo:
        timezone = await repo.clinic_timezone(clinic_id) or deps.default_timezone
    events = map_appointment(appt, clinic_id, deps.fhir_program_id, timezone, deps.clock.now())
    patients = [e.patient_id for e in events if isinstance(e, AttendanceRecorded)]
    patients += [p for e in events if isinstance(e, SessionUpserted) for p in e.attendees]
    async with deps.store.transaction() as repo:
        owners = await repo.owners_of(patients)
    for i, participant in enumerate(appt.participant):
        ref = participant.actor.reference if participant.actor else None
        if ref and ref.startswith("Patient/") and owners.get(ref.split("/", 1)[1]) not in (None, clinic_id):
            raise TenantMismatch(f"participant.{i}.actor.reference", "this patient belongs to another clinic")
    return await publish(deps, clinic_id, events)


async def upsert_slot(deps: Deps, clinic_id: str, body: SlotUpserted) -> list[str]:
    """An open slot of the caller's clinic; another clinic's slot id is refused (403 naming `slot_id`)."""
    same_clinic("clinic_id", clinic_id, body.clinic_id)
    async with deps.store.transaction() as repo:
        same_clinic("slot_id", clinic_id, await repo.conn.fetchval(sql("reschedule/slot_owner"), body.slot_id))
    return await publish(deps, clinic_id, [body])
