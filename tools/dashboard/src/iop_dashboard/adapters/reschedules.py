"""The dashboard's read model of reschedule requests (iop.reschedules.v1): pending until confirmed or expired."""

from __future__ import annotations

from typing import Any

from iop_shared.contracts.reschedule import RescheduleClosed, RescheduleRequested

from .repository import Clinics, Conn
from .sql import q


async def requested(conn: Conn, r: RescheduleRequested) -> bool:
    return await conn.fetchval(q("reschedule_requested"), r.hold_id, r.clinic_id, r.patient_id, r.session_id,
                               r.slot_id, r.slot_starts_at, r.hold_expires_at, r.requested_at) is not None


async def closed(conn: Conn, c: RescheduleClosed) -> bool:
    if c.hold_id is None:  # a seat taken before anything was held: never pending
        return False
    return await conn.fetchval(q("reschedule_closed"), c.hold_id, c.closed_at, c.outcome.value) is not None


async def pending(conn: Conn, clinics: Clinics) -> list[dict[str, Any]]:
    """Pending requests of these clinics: ids, the held time and when the hold lapses."""
    return [dict(r) for r in await conn.fetch(q("pending_reschedules"), list(clinics))]
