"""Set-based writes of the read model: one statement per run of events, each key at most once per call."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import asyncpg

from iop_shared.contracts.inbound import AttendanceRecorded, PatientUpserted, SessionUpserted
from iop_shared.contracts.outbound import VisitMissed, VisitMissedRetracted

from .sql import q

Conn = asyncpg.Connection
Counted = tuple[datetime, str, str, str, str | None]  # occurred_at, outcome, channel, reason, patient id or None


async def upsert_patients(conn: Conn, ps: Sequence[PatientUpserted]) -> int:
    """How many of these patients (distinct ids) were new or newer revisions of the same clinic."""
    rows = await conn.fetch(q("upsert_patients"), [p.patient_id for p in ps], [p.clinic_id for p in ps],
                            [p.care_team_id for p in ps], [p.preferred_name for p in ps], [p.revision for p in ps])
    return len(rows)


async def upsert_sessions(conn: Conn, ss: Sequence[SessionUpserted]) -> int:
    """Newer revisions applied with their attendee lists; how many sessions (distinct ids) were applied."""
    rows = await conn.fetch(q("upsert_sessions"), [s.session_id for s in ss], [s.clinic_id for s in ss],
                            [s.program_id for s in ss], [s.kind.value for s in ss], [s.starts_at for s in ss],
                            [s.ends_at for s in ss], [s.revision for s in ss])
    applied = {r["session_id"] for r in rows}
    pairs = [(s.session_id, p) for s in ss if s.session_id in applied for p in sorted(set(s.attendees))]
    if applied:
        await conn.execute(q("replace_many_attendees"), sorted(applied), [s for s, _ in pairs], [p for _, p in pairs])
    return len(applied)


async def record_attendances(conn: Conn, rs: Sequence[AttendanceRecorded]) -> int:
    rows = await conn.fetch(q("record_attendances"), [a.session_id for a in rs], [a.patient_id for a in rs],
                            [a.status.value for a in rs], [a.recorded_at for a in rs])
    return len(rows)


async def visits_missed(conn: Conn, vs: Sequence[VisitMissed]) -> int:
    rows = await conn.fetch(q("visits_missed"), [v.visit_id for v in vs], [v.session_id for v in vs],
                            [v.patient_id for v in vs], [v.detected_at for v in vs])
    return len(rows)


async def visits_retracted(conn: Conn, vs: Sequence[VisitMissedRetracted]) -> int:
    rows = await conn.fetch(q("visits_retracted"), [v.visit_id for v in vs], [v.session_id for v in vs],
                            [v.patient_id for v in vs], [v.detected_at for v in vs])
    return len(rows)


async def count_notifications(conn: Conn, counted: Sequence[Counted]) -> None:
    await conn.execute(q("count_notifications"), *(list(column) for column in zip(*counted, strict=True)))


async def flags_unpaged(conn: Conn, flags: Sequence[tuple[str, datetime]]) -> None:
    await conn.execute(q("flags_unpaged"), [f for f, _ in flags], [a for _, a in flags])


async def lock_kept(conn: Conn, session_ids: Sequence[str], patient_ids: Sequence[str]) -> None:
    """Hold, to the end of the transaction, the locks of what is kept per session and per patient."""
    if session_ids or patient_ids:
        await conn.execute(q("lock_session_counts"), list(session_ids), list(patient_ids))


async def refresh_kept(conn: Conn, counted: Sequence[str], kinds: Sequence[str], clinics: Sequence[str]) -> None:
    """Recount the sessions `counted`, copy the sessions' kinds `kinds` and the patients' clinics `clinics` onto
    their misses, serialised per session and patient across concurrent runs."""
    await lock_kept(conn, [*counted, *kinds], clinics)
    if counted:
        await conn.execute(q("refresh_session_counts"), list(counted))
    if kinds:
        await conn.execute(q("miss_kinds"), list(kinds))
    if clinics:
        await conn.execute(q("miss_clinics"), list(clinics))
