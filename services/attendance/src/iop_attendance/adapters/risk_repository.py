"""PostgreSQL access for risk: patients' histories, and flags raised, resolved, acknowledged and listed."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import repeat
from typing import Any

import asyncpg

from iop_shared.contracts.inbound import AgeGroup
from iop_shared.contracts.outbound import CheckinIntent, Severity

from ..domain.model import Checkin, Finding, FlagState, FlagStatus, History, Profile, Prompt, Visit
from ..domain.window import VisitWindow
from . import assessments
from .repository import KIND, STATUS
from .sql import q

HISTORY_WINDOW = timedelta(days=120)
FLAG_WINDOW = timedelta(days=60)
WHOLE = VisitWindow(whole=True)


@dataclass(frozen=True)
class NewFlag:
    """A flag about to be raised."""

    flag_id: str
    profile: Profile
    finding: Finding
    severity: Severity
    reasons: tuple[str, ...]


async def histories_and_flags(conn: asyncpg.Connection, patient_ids: Sequence[str], now: datetime,
                              window: VisitWindow = WHOLE) -> dict[str, tuple[History, list[FlagState]]]:
    """What the rules need and the flags that matter, per patient, in one round trip.

    `window` bounds the visits loaded to what the rules read (domain.window); by default every visit.
    """
    rows = await conn.fetch(q("patient_histories"), list(patient_ids), now - HISTORY_WINDOW, now,
                            now - FLAG_WINDOW, window.head_attended, window.tail_concluded, window.streak,
                            window.ended_weeks, window.whole)
    scores = await assessments.of_patients(conn, patient_ids, now - HISTORY_WINDOW)
    return {r["patient_id"]: (replace(_history(r), assessments=scores.get(r["patient_id"], ())), _flags(r))
            for r in rows}


def _history(r: asyncpg.Record) -> History:
    patient_id = r["patient_id"]
    prof = (Profile(patient_id, r["care_team_id"], r["clinic_id"], AgeGroup(r["age_group"]), r["timezone"])
            if r["clinic_id"] is not None else Profile(patient_id))
    return History(
        profile=prof,
        visits=_visits(patient_id, r),
        checkins=tuple(Checkin(c[0], c[1], CheckinIntent(c[2]), c[3], c[4], c[5]) for c in r["checkins"] or ()),
        prompts=tuple(Prompt(x[0], x[1]) for x in r["prompts"] or ()),
    )


def _visits(patient_id: str, r: asyncpg.Record) -> tuple[Visit, ...]:
    session_ids = r["session_ids"]
    if not session_ids:
        return ()
    return tuple(map(Visit, session_ids, repeat(patient_id), map(KIND.__getitem__, r["kinds"]), r["starts"],
                     r["ends"], r["expected"], map(STATUS.get, r["statuses"]), r["missed_visit_ids"],
                     r["missed_event_ids"], r["dues"], r["program_ids"]))


def _flags(r: asyncpg.Record) -> list[FlagState]:
    return [FlagState(f[0], f[1], f[2], Severity(f[3]), f[4], FlagStatus(f[5]), f[6]) for f in r["flags"] or ()]


async def insert_flags(conn: asyncpg.Connection, flags: Sequence[NewFlag], version: str, at: datetime) -> set[str]:
    """Raise the flags whose pattern has none yet; return the ids raised."""
    if not flags:
        return set()
    rows = await conn.fetch(
        q("insert_flags"), [f.flag_id for f in flags], [f.profile.patient_id for f in flags],
        [f.profile.clinic_id for f in flags], [f.profile.care_team_id for f in flags],
        [f.finding.rule_id for f in flags], [f.severity.value for f in flags], [version] * len(flags),
        [f.finding.pattern_key for f in flags], [json.dumps(list(f.reasons)) for f in flags],
        [json.dumps(list(f.finding.evidence)) for f in flags], at)
    return {r["flag_id"] for r in rows}


async def auto_resolve(conn: asyncpg.Connection, flag_ids: Sequence[str], at: datetime) -> set[str]:
    """Resolve flags whose pattern cleared; return the ids that were still open."""
    if not flag_ids:
        return set()
    return {r["flag_id"] for r in await conn.fetch(q("auto_resolve_flags"), list(flag_ids), at)}


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
