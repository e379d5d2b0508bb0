"""PostgreSQL access for attendance state; functions take the caller's connection so they join its transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from iop_shared.contracts.inbound import AgeGroup, AttendanceRecorded, PatientUpserted, SessionUpserted
from iop_shared.contracts.outbound import CheckinIntent, CheckinReceived, Severity

from ..domain.model import Checkin, Finding, FlagState, FlagStatus, History, Profile, Prompt, Visit
from .sql import q

HISTORY_WINDOW = timedelta(days=120)
FLAG_WINDOW = timedelta(days=60)


def to_visit(r: asyncpg.Record) -> Visit:
    return Visit(session_id=r["session_id"], patient_id=r["patient_id"], kind=r["kind"], starts_at=r["starts_at"],
                 ends_at=r["ends_at"], expected=r["expected"], status=r["status"],
                 missed_visit_id=r["missed_visit_id"], missed_event_id=r["missed_event_id"], due_at=r["due_at"],
                 program_id=r["program_id"])


async def upsert_patient(conn: asyncpg.Connection, p: PatientUpserted) -> bool:
    return await conn.fetchval(q("upsert_patient"), p.patient_id, p.clinic_id, p.care_team_id, p.age_group.value,
                               p.timezone, p.discharged_at, p.revision) is not None


async def upsert_session(conn: asyncpg.Connection, s: SessionUpserted, grace: timedelta,
                         not_before: datetime) -> bool:
    """Apply a newer revision of the session and its roster; False if the revision is stale."""
    applied = await conn.fetchval(q("upsert_session"), s.session_id, s.clinic_id, s.program_id, s.kind.value,
                                  s.starts_at, s.ends_at, s.revision)
    if applied is None:
        return False
    # Records travel on another topic and may be applied concurrently: holding each attendee's lock (in a
    # fixed order) before the roster statements makes refresh_status see every record committed so far.
    for patient_id in sorted(set(s.attendees)):
        await lock_patient(conn, patient_id)
    await conn.execute(q("expect_attendees"), s.session_id, s.program_id, s.kind.value, s.starts_at, s.ends_at,
                       s.starts_at + grace, sorted(set(s.attendees)), not_before)
    await conn.execute(q("refresh_status"), s.session_id, None)
    return True


async def cancel_session(conn: asyncpg.Connection, session_id: str, revision: int) -> bool:
    if await conn.fetchval(q("cancel_session"), session_id, revision) is None:
        return False
    await conn.execute(q("unexpect_session"), session_id)
    return True


async def record_attendance(conn: asyncpg.Connection, event_id: str, a: AttendanceRecorded,
                            grace: timedelta) -> Visit | None:
    """Keep the record, update its visit (a walk-in at a known session gets a row) and lock the patient's risk."""
    # The lock comes first, in its own statement: the record's statement then sees a visit that a concurrent
    # session upsert (which takes the same lock) has just committed.
    await lock_patient(conn, a.patient_id)
    r = await conn.fetchrow(q("apply_record"), event_id, a.session_id, a.patient_id, a.status.value,
                            a.recorded_at, a.source.value, grace)
    return to_visit(r) if r is not None and r["session_id"] is not None else None


async def lock_patient(conn: asyncpg.Connection, patient_id: str) -> None:
    """Serialise rule evaluation per patient until the transaction ends."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"risk:{patient_id}")


async def visits_of_session(conn: asyncpg.Connection, session_id: str, patient_id: str | None = None) -> list[Visit]:
    """The session's visit rows, locked for the caller's transaction."""
    return [to_visit(r) for r in await conn.fetch(q("visits_of_session"), session_id, patient_id)]


async def claim_due(conn: asyncpg.Connection, now: datetime, limit: int) -> list[Visit]:
    return [to_visit(r) for r in await conn.fetch(q("claim_due"), now, limit)]


async def next_due(conn: asyncpg.Connection) -> datetime | None:
    value: datetime | None = await conn.fetchval(q("next_due"))
    return value


async def mark_missed(conn: asyncpg.Connection, v: Visit, visit_id: str, event_id: str, at: datetime) -> None:
    await conn.execute(q("mark_missed"), v.session_id, v.patient_id, visit_id, event_id, at)


async def clear_missed(conn: asyncpg.Connection, v: Visit) -> None:
    await conn.execute(q("clear_missed"), v.session_id, v.patient_id)


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


async def history_and_flags(conn: asyncpg.Connection, patient_id: str,
                            now: datetime) -> tuple[History, list[FlagState]]:
    """What the rules need and the flags that matter, in one round trip."""
    r = await conn.fetchrow(q("patient_history"), patient_id, now - HISTORY_WINDOW, now, now - FLAG_WINDOW)
    assert r is not None
    p = r["profile"]
    prof = Profile(patient_id, p[1], p[0], AgeGroup(p[2]), p[3]) if p else Profile(patient_id)
    history = History(
        profile=prof,
        visits=tuple(Visit(session_id=v[0], patient_id=v[1], program_id=v[2], kind=v[3], starts_at=v[4],
                           ends_at=v[5], due_at=v[6], expected=v[7], status=v[8], missed_visit_id=v[9],
                           missed_event_id=v[10]) for v in r["visits"] or ()),
        checkins=tuple(Checkin(c[0], c[1], CheckinIntent(c[2]), c[3], c[4], c[5]) for c in r["checkins"] or ()),
        prompts=tuple(Prompt(x[0], x[1]) for x in r["prompts"] or ()),
    )
    flags = [FlagState(f[0], f[1], f[2], Severity(f[3]), f[4], FlagStatus(f[5]), f[6]) for f in r["flags"] or ()]
    return history, flags


async def insert_flag(conn: asyncpg.Connection, flag_id: str, prof: Profile, finding: Finding, severity: Severity,
                      version: str, reasons: Sequence[str], at: datetime) -> bool:
    return await conn.fetchval(q("insert_flag"), flag_id, prof.patient_id, prof.clinic_id, prof.care_team_id,
                               finding.rule_id, severity.value, version, finding.pattern_key,
                               json.dumps(list(reasons)), json.dumps(list(finding.evidence)), at) is not None


async def auto_resolve(conn: asyncpg.Connection, flag_id: str, at: datetime) -> bool:
    return await conn.fetchval(q("auto_resolve_flag"), flag_id, at) is not None


async def get_flag(conn: asyncpg.Connection, flag_id: str) -> dict[str, Any] | None:
    r = await conn.fetchrow(q("get_flag"), flag_id)
    return flag_dict(r) if r else None


async def acknowledge(conn: asyncpg.Connection, flag_id: str, by: str, note: str | None, at: datetime) -> bool:
    return await conn.fetchval(q("acknowledge_flag"), flag_id, by, note, at) is not None


async def resolve(conn: asyncpg.Connection, flag_id: str, by: str, note: str | None, at: datetime) -> bool:
    return await conn.fetchval(q("resolve_flag"), flag_id, by, note, at) is not None


def flag_dict(r: asyncpg.Record) -> dict[str, Any]:
    d = dict(r)
    d["reasons"], d["evidence"] = json.loads(d["reasons"]), json.loads(d["evidence"])
    return d


async def list_flags(conn: asyncpg.Connection, *, care_team_id: str | None, severities: list[str] | None,
                     clinic_id: str | None, after: tuple[datetime, str] | None, limit: int) -> list[dict[str, Any]]:
    rows = await conn.fetch(q("list_flags"), care_team_id, severities, clinic_id,
                            after[0] if after else None, after[1] if after else None, limit)
    return [flag_dict(r) for r in rows]


async def session_clinic(conn: asyncpg.Connection, session_id: str) -> tuple[str | None, bool] | None:
    r = await conn.fetchrow(q("session_clinic"), session_id)
    return (r["clinic_id"], r["cancelled"]) if r else None


async def patient_visits(conn: asyncpg.Connection, patient_id: str, start: datetime, end: datetime) -> list[Visit]:
    return [to_visit(r) for r in await conn.fetch(q("patient_visits"), patient_id, start, end)]


async def program_visits(conn: asyncpg.Connection, program_id: str, start: datetime, end: datetime,
                         clinic_id: str | None) -> list[Visit]:
    return [to_visit(r) for r in await conn.fetch(q("program_visits"), program_id, start, end, clinic_id)]
