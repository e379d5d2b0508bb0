"""Tenancy checks of a run of clinic events, on the attendance service's own read model, set-based.

A run with one foreign write raises TenantMismatch; the shared consumer then applies the run one event at a
time, so only the offending event is dead-lettered (`tenant_mismatch`).
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from iop_shared.contracts import Contract, Envelope
from iop_shared.contracts.inbound import AttendanceRecorded, PatientUpserted, SessionCancelled, SessionUpserted
from iop_shared.contracts.tenancy import check_event_clinic, require_publisher, roster_check, same_clinic

from ..adapters import repository as repo


async def check_sessions(conn: asyncpg.Connection, envs: Sequence[Envelope[Contract]]) -> dict[str, str]:
    """Refuse upserts and cancellations of another clinic's session, and rosters listing its patients.

    Returns each event's publishing clinic by event id.
    """
    owners = await repo.session_owners(conn, (e.data.session_id for e in envs))  # type: ignore[attr-defined]
    patients = await repo.patient_owners(
        conn, (p for e in envs if isinstance(e.data, SessionUpserted) for p in e.data.attendees))
    publishers: dict[str, str] = {}
    for e in envs:
        if isinstance(e.data, SessionUpserted):
            clinic = check_event_clinic(e.source, e.data.clinic_id)
            roster_check(e.data.attendees, patients, clinic)
        else:
            assert isinstance(e.data, SessionCancelled)
            clinic = require_publisher(e.source)
        same_clinic("clinic_id", clinic, owners.setdefault(e.data.session_id, clinic))
        publishers[e.id] = clinic
    return publishers


async def check_records(conn: asyncpg.Connection, records: Sequence[Envelope[Contract]]) -> None:
    """An attendance record comes from the session's clinic and names a patient of that clinic."""
    data = [e.data for e in records if isinstance(e.data, AttendanceRecorded)]
    sessions = await repo.session_owners(conn, (a.session_id for a in data))
    patients = await repo.patient_owners(conn, (a.patient_id for a in data))
    for e in records:
        assert isinstance(e.data, AttendanceRecorded)
        clinic = require_publisher(e.source)
        same_clinic("session_id", clinic, sessions.get(e.data.session_id))
        same_clinic("patient_id", clinic, patients.get(e.data.patient_id))


async def check_patients(conn: asyncpg.Connection, envs: Sequence[Envelope[Contract]]) -> None:
    """A patient upsert comes from the patient's clinic, and that clinic owns the patient if it is known."""
    owners = await repo.patient_owners(conn, (e.data.patient_id for e in envs))  # type: ignore[attr-defined]
    for e in envs:
        assert isinstance(e.data, PatientUpserted)
        clinic = check_event_clinic(e.source, e.data.clinic_id)
        same_clinic("clinic_id", clinic, owners.setdefault(e.data.patient_id, clinic))
