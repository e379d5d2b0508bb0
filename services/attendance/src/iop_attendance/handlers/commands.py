"""HTTP commands: record attendance through the outbox, acknowledge and resolve flags."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from iop_shared import outbox
from iop_shared.contracts import Contract, Envelope, TenantMismatch, clinic_source
from iop_shared.contracts.inbound import AttendanceRecorded
from iop_shared.contracts.outbound import RiskAcknowledged, RiskResolved

from .. import metrics
from ..adapters import repository as repo
from ..adapters import risk_repository as risk_repo
from ..adapters.db import transaction
from .context import Context


class FlagNotFoundError(LookupError):
    """No such flag for this caller."""


class FlagStateError(ValueError):
    """The flag is not in a state that allows the command."""


class UnknownSessionError(LookupError):
    """The n-th record names a session this caller's clinic does not have."""

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.index = index


def future_dated(records: Sequence[AttendanceRecorded], limit: datetime) -> int | None:
    """The index of the first record dated after `limit` (now plus the allowed clock skew), if any."""
    return next((i for i, r in enumerate(records) if r.recorded_at > limit), None)


async def clinics_of(ctx: Context, records: Sequence[AttendanceRecorded], scope: str | None) -> list[str]:
    """The clinic of each record's session; refuses another clinic's session or patient (TenantMismatch)."""
    async with transaction(ctx.pool) as conn:
        sessions = await repo.session_owners(conn, (r.session_id for r in records))
        patients = await repo.patient_owners(conn, (r.patient_id for r in records))
    clinics: list[str] = []
    for i, r in enumerate(records):
        clinic = sessions.get(r.session_id)
        if clinic is None or (scope is not None and clinic != scope):
            raise UnknownSessionError(i)
        if patients.get(r.patient_id) not in (None, clinic):
            raise TenantMismatch(f"records.{i}.patient_id", "this patient belongs to another clinic")
        clinics.append(clinic)
    return clinics


async def record_attendance(ctx: Context, records: list[AttendanceRecorded], clinics: list[str]) -> list[str]:
    """Publish the records as iop.attendance.recorded.v1 (the consumer applies them); return their event ids.

    Each is published as its session's clinic (`ce_source` /clinics/<clinic_id>/attendance).
    """
    envelopes: list[Envelope[Contract]] = [
        Envelope(data=r, source=clinic_source(c, "attendance"), time=ctx.clock.now())
        for r, c in zip(records, clinics, strict=True)]
    async with transaction(ctx.pool) as conn:
        await outbox.add(conn, envelopes)
    return [e.id for e in envelopes]


async def acknowledge_flag(ctx: Context, flag_id: str, by: str, note: str | None,
                           clinic_id: str | None) -> dict[str, Any]:
    now = ctx.clock.now()
    async with transaction(ctx.pool) as conn:
        flag = await _flag_for(conn, flag_id, clinic_id)
        if not await risk_repo.acknowledge(conn, flag_id, by, note, now):
            raise FlagStateError(f"flag is {flag['status']}, only an open flag can be acknowledged")
        await outbox.add(conn, [ctx.envelope(RiskAcknowledged(
            flag_id=flag_id, patient_id=flag["patient_id"], care_team_id=flag["care_team_id"], by=by, note=note,
            acknowledged_at=now))])
        return await _flag_for(conn, flag_id, clinic_id)


async def resolve_flag(ctx: Context, flag_id: str, by: str, note: str | None,
                       clinic_id: str | None) -> dict[str, Any]:
    now = ctx.clock.now()
    async with transaction(ctx.pool) as conn:
        flag = await _flag_for(conn, flag_id, clinic_id)
        if not await risk_repo.resolve(conn, flag_id, by, note, now):
            raise FlagStateError("flag is already resolved")
        await outbox.add(conn, [ctx.envelope(RiskResolved(
            flag_id=flag_id, patient_id=flag["patient_id"], care_team_id=flag["care_team_id"], by=by, note=note,
            resolved_at=now))])
        metrics.FLAGS_RESOLVED.labels("clinician").inc()
        return await _flag_for(conn, flag_id, clinic_id)


async def _flag_for(conn: Any, flag_id: str, clinic_id: str | None) -> dict[str, Any]:
    flag = await risk_repo.get_flag(conn, flag_id)
    if flag is None or (clinic_id is not None and flag["clinic_id"] != clinic_id):
        raise FlagNotFoundError(flag_id)
    return flag
