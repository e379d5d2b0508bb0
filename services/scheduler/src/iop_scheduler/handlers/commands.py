"""HTTP ingest use cases: validate ownership, then publish the same inbound events through the outbox.

The scheduler's own consumer applies them like any clinic's event, so HTTP and Kafka clients get
identical behaviour (and the attendance service sees FHIR attendance through its topic).
"""

from __future__ import annotations

from iop_shared import outbox
from iop_shared.contracts import Contract, Envelope
from iop_shared.contracts.inbound import PatientUpserted, SessionCancelled, SessionUpserted

from ..domain.fhir import Appointment, map_appointment
from .deps import SOURCE, Deps


class Forbidden(Exception):
    """The caller's clinic does not own this data."""


class NotFound(Exception):
    pass


async def publish(deps: Deps, events: list[Contract]) -> list[str]:
    envelopes = [Envelope(data=e, source=SOURCE, time=deps.clock.now()) for e in events]
    async with deps.store.transaction() as repo:
        await outbox.add(repo.conn, envelopes)
    return [e.id for e in envelopes]


async def _owner_of_session(deps: Deps, session_id: str) -> str | None:
    async with deps.store.transaction() as repo:
        return await repo.session_clinic(session_id)


async def upsert_session(deps: Deps, clinic_id: str, body: SessionUpserted) -> list[str]:
    owner = await _owner_of_session(deps, body.session_id)
    if body.clinic_id != clinic_id or (owner is not None and owner != clinic_id):
        raise Forbidden
    return await publish(deps, [body])


async def cancel_session(deps: Deps, clinic_id: str, body: SessionCancelled) -> list[str]:
    owner = await _owner_of_session(deps, body.session_id)
    if owner is None:
        raise NotFound
    if owner != clinic_id:
        raise Forbidden
    return await publish(deps, [body])


async def upsert_patient(deps: Deps, clinic_id: str, body: PatientUpserted) -> list[str]:
    if body.clinic_id != clinic_id:
        raise Forbidden
    return await publish(deps, [body])


async def fhir_appointment(deps: Deps, clinic_id: str, appt: Appointment) -> list[str]:
    owner = await _owner_of_session(deps, appt.id)
    if owner is not None and owner != clinic_id:
        raise Forbidden
    async with deps.store.transaction() as repo:
        timezone = await repo.clinic_timezone(clinic_id) or deps.default_timezone
    events = map_appointment(appt, clinic_id, deps.fhir_program_id, timezone, deps.clock.now())
    return await publish(deps, events)
