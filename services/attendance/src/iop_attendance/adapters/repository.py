"""PostgreSQL access for attendance state (risk and flags: risk_repository); functions join the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

import asyncpg

from iop_shared.contracts.inbound import (
    AgeGroup,
    AttendanceRecorded,
    AttendanceStatus,
    PatientUpserted,
    SessionKind,
    SessionUpserted,
)
from iop_shared.contracts.outbound import CheckinReceived

from ..domain.model import Profile, Visit
from .sql import q

STATUS: dict[str | None, AttendanceStatus] = {s.value: s for s in AttendanceStatus}
KIND = {k.value: k for k in SessionKind}


def to_visit(r: asyncpg.Record) -> Visit:
    """A visit row (columns in the table's order) as the domain's Visit, enums restored."""
    # Dictionary look-ups, not Enum calls: a history brings dozens of visits per patient evaluated.
    return Visit(r[0], r[1], KIND[r[3]], r[4], r[5], r[7], STATUS.get(r[8]), r[9], r[10], r[6], r[2])


async def upsert_patient(conn: asyncpg.Connection, p: PatientUpserted) -> bool:
    """Apply a newer revision; a patient first listed by another clinic's session loses those visits."""
    applied = await conn.fetchval(q("upsert_patient"), p.patient_id, p.clinic_id, p.care_team_id,
                                  p.age_group.value, p.timezone, p.discharged_at, p.revision) is not None
    if applied:
        await conn.execute(q("drop_foreign_visits"), p.patient_id, p.clinic_id)
        await conn.execute(q("adopt_flags"), p.patient_id, p.clinic_id, p.care_team_id)
    return applied


async def patient_owners(conn: asyncpg.Connection, patient_ids: Iterable[str]) -> dict[str, str | None]:
    """The owning clinic of each of these patients that is known."""
    rows = await conn.fetch(q("patient_owners"), sorted(set(patient_ids)))
    return {r["patient_id"]: r["clinic_id"] for r in rows}


async def session_owners(conn: asyncpg.Connection, session_ids: Iterable[str]) -> dict[str, str | None]:
    """The owning clinic of each of these sessions that is known."""
    rows = await conn.fetch(q("session_owners"), sorted(set(session_ids)))
    return {r["session_id"]: r["clinic_id"] for r in rows}


async def upsert_session(conn: asyncpg.Connection, s: SessionUpserted, grace: timedelta,
                         not_before: datetime) -> bool:
    """Apply a newer revision of the session and its roster; False if the revision is stale.

    Records travel on another topic and may be applied concurrently: the caller holds every attendee's lock
    (`lock_patients`) before this, so refresh_status sees every record committed so far.
    """
    applied = await conn.fetchval(q("upsert_session"), s.session_id, s.clinic_id, s.program_id, s.kind.value,
                                  s.starts_at, s.ends_at, s.revision)
    if applied is None:
        return False
    await conn.execute(q("expect_attendees"), s.session_id, s.program_id, s.kind.value, s.starts_at, s.ends_at,
                       s.starts_at + grace, sorted(set(s.attendees)), not_before)
    await conn.execute(q("refresh_status"), s.session_id, None)
    return True


async def cancel_session(conn: asyncpg.Connection, session_id: str, revision: int, clinic_id: str) -> bool:
    """Cancel by a newer revision; `clinic_id` (the publisher) owns the tombstone of an unknown session."""
    if await conn.fetchval(q("cancel_session"), session_id, revision, clinic_id) is None:
        return False
    await conn.execute(q("unexpect_session"), session_id)
    return True


async def record_attendance(conn: asyncpg.Connection, records: Sequence[tuple[str, AttendanceRecorded]],
                            grace: timedelta) -> list[Visit]:
    """Keep (event id, record) pairs and return their visits, up to date; a walk-in at a known session gets a row.

    The caller holds the patients' locks, so a concurrent session upsert's roster is either fully seen or waits.
    """
    await conn.execute(q("insert_records"), [e for e, _ in records], [a.session_id for _, a in records],
                       [a.patient_id for _, a in records], [a.status.value for _, a in records],
                       [a.recorded_at for _, a in records], [a.source.value for _, a in records])
    rows = await conn.fetch(q("refresh_visits"), [a.session_id for _, a in records],
                            [a.patient_id for _, a in records], grace)
    return [to_visit(r) for r in rows]


async def lock_patients(conn: asyncpg.Connection, patient_ids: Iterable[str]) -> None:
    """Serialise rule evaluation per patient until the transaction ends (always in sorted order)."""
    await conn.execute(q("lock_patients"), sorted(set(patient_ids)))


async def visits_of_session(conn: asyncpg.Connection, session_id: str, patient_id: str | None = None) -> list[Visit]:
    """The session's visit rows, locked for the caller's transaction."""
    return [to_visit(r) for r in await conn.fetch(q("visits_of_session"), session_id, patient_id)]


async def claim_due(conn: asyncpg.Connection, now: datetime, limit: int) -> list[Visit]:
    return [to_visit(r) for r in await conn.fetch(q("claim_due"), now, limit)]


async def next_due(conn: asyncpg.Connection) -> datetime | None:
    value: datetime | None = await conn.fetchval(q("next_due"))
    return value


async def mark_missed(conn: asyncpg.Connection, missed: Sequence[tuple[Visit, str, str]], at: datetime) -> None:
    """Record (visit, published visit id, event id) misses."""
    if missed:
        await conn.execute(q("mark_missed"), [v.session_id for v, _, _ in missed],
                           [v.patient_id for v, _, _ in missed], [i for _, i, _ in missed],
                           [e for _, _, e in missed], at)


async def clear_missed(conn: asyncpg.Connection, visits: Sequence[Visit]) -> None:
    if visits:
        await conn.execute(q("clear_missed"), [v.session_id for v in visits], [v.patient_id for v in visits])


async def add_checkin(conn: asyncpg.Connection, event_id: str, c: CheckinReceived) -> bool:
    return await conn.fetchval(q("insert_checkin"), c.checkin_id, event_id, c.patient_id, c.intent.value, c.value,
                               c.prompt_reminder_id, c.received_at) is not None


async def add_prompt(conn: asyncpg.Connection, reminder_id: str, patient_id: str, due: datetime) -> bool:
    return await conn.fetchval(q("insert_prompt"), reminder_id, patient_id, due) is not None


async def profile(conn: asyncpg.Connection, patient_id: str) -> Profile:
    r = await conn.fetchrow(q("patient_profile"), patient_id)
    if r is None:
        return Profile(patient_id)
    return Profile(patient_id, r["care_team_id"], r["clinic_id"], AgeGroup(r["age_group"]), r["timezone"])


async def session_clinic(conn: asyncpg.Connection, session_id: str) -> tuple[str | None, bool] | None:
    r = await conn.fetchrow(q("session_clinic"), session_id)
    return (r["clinic_id"], r["cancelled"]) if r else None


async def patient_visits(conn: asyncpg.Connection, patient_id: str, start: datetime, end: datetime) -> list[Visit]:
    return [to_visit(r) for r in await conn.fetch(q("patient_visits"), patient_id, start, end)]


async def program_visits(conn: asyncpg.Connection, program_id: str, start: datetime, end: datetime,
                         clinic_id: str | None) -> list[Visit]:
    return [to_visit(r) for r in await conn.fetch(q("program_visits"), program_id, start, end, clinic_id)]
