"""The read model in PostgreSQL: writes applied from events, reads returned as domain values."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

import asyncpg

from iop_shared.contracts.inbound import AttendanceRecorded, PatientUpserted, SessionCancelled, SessionUpserted
from iop_shared.contracts.outbound import (
    RiskAcknowledged,
    RiskFlagged,
    RiskResolved,
    Severity,
    VisitMissed,
    VisitMissedRetracted,
)

from ..domain.model import (
    Concern,
    Flag,
    FlagStatus,
    KindNoShows,
    MissedVisit,
    NotificationCount,
    Outcome,
    SessionToday,
    WeekAttendance,
)
from ..domain.periods import Period
from .sql import q

Conn = asyncpg.Connection
Clinics = list[str]


class Row(Protocol):
    """A row by column name: an asyncpg Record, or a dict of one (the overview's single statement)."""

    def __getitem__(self, key: str, /) -> Any: ...


async def upsert_patient(conn: Conn, p: PatientUpserted) -> bool:
    """A newer revision of the patient in the same clinic; False when stale or naming another clinic."""
    return await conn.fetchval(q("upsert_patient"), p.patient_id, p.clinic_id, p.care_team_id, p.preferred_name,
                               p.revision) is not None


async def concern_received(conn: Conn, concern_id: str, patient_id: str, received_at: datetime) -> bool:
    return await conn.fetchval(q("concern_received"), concern_id, patient_id, received_at) is not None


async def concern_opened(conn: Conn, concern_id: str, at: datetime, by: str) -> bool:
    return await conn.fetchval(q("concern_opened"), concern_id, at, by) is not None


async def concern_clinic(conn: Conn, concern_id: str) -> str | None:
    """The clinic of the concern's patient; None when the concern or its patient is unknown."""
    clinic: str | None = await conn.fetchval(q("concern_clinic"), concern_id)
    return clinic


async def flag_clinic(conn: Conn, flag_id: str) -> str | None:
    """The clinic of the flag's patient; None when the flag or its patient is unknown."""
    clinic: str | None = await conn.fetchval(q("flag_clinic"), flag_id)
    return clinic


async def flag_unpaged(conn: Conn, flag_id: str, at: datetime) -> bool:
    return await conn.fetchval(q("flag_unpaged"), flag_id, at) is not None


async def waiting_concerns(conn: Conn, clinics: Clinics, limit: int) -> list[Concern]:
    return [concern(r) for r in await conn.fetch(q("waiting_concerns"), clinics, limit)]


def concern(r: Row) -> Concern:
    return Concern(r["concern_id"], r["patient_id"], r["clinic_id"], r["preferred_name"], r["received_at"])


async def upsert_session(conn: Conn, s: SessionUpserted) -> bool:
    """Apply a newer revision and its attendee list; False when the revision is stale."""
    applied = await conn.fetchval(q("upsert_session"), s.session_id, s.clinic_id, s.program_id, s.kind.value,
                                  s.starts_at, s.ends_at, s.revision)
    if applied is not None:
        await conn.execute(q("replace_attendees"), s.session_id, sorted(set(s.attendees)))
    return applied is not None


async def cancel_session(conn: Conn, c: SessionCancelled) -> bool:
    return await conn.fetchval(q("cancel_session"), c.session_id, c.revision) is not None


async def record_attendance(conn: Conn, a: AttendanceRecorded) -> bool:
    return await conn.fetchval(q("record_attendance"), a.session_id, a.patient_id, a.status.value,
                               a.recorded_at) is not None


async def visit_missed(conn: Conn, v: VisitMissed) -> bool:
    return await conn.fetchval(q("visit_missed"), v.visit_id, v.session_id, v.patient_id, v.detected_at) is not None


async def visit_retracted(conn: Conn, v: VisitMissedRetracted) -> bool:
    return await conn.fetchval(q("visit_retracted"), v.visit_id, v.session_id, v.patient_id,
                               v.detected_at) is not None


async def flag_raised(conn: Conn, f: RiskFlagged) -> bool:
    return await conn.fetchval(q("flag_raised"), f.flag_id, f.patient_id, f.care_team_id, f.severity.value, f.rule,
                               list(f.reasons), f.raised_at) is not None


async def flag_acknowledged(conn: Conn, f: RiskAcknowledged) -> bool:
    return await conn.fetchval(q("flag_acknowledged"), f.flag_id, f.patient_id, f.care_team_id,
                               f.acknowledged_at, f.by) is not None


async def flag_resolved(conn: Conn, f: RiskResolved) -> bool:
    return await conn.fetchval(q("flag_resolved"), f.flag_id, f.patient_id, f.care_team_id, f.resolved_at,
                               f.by) is not None


async def count_notification(conn: Conn, at: datetime, outcome: Outcome, channel: str, reason: str,
                             patient_id: str | None) -> None:
    await conn.execute(q("count_notification"), at, outcome.value, channel, reason, patient_id)


async def notify_changed(conn: Conn, channel: str) -> None:
    await conn.execute(q("notify_changed"), channel)


async def today_sessions(conn: Conn, day: Period, limit: int, clinics: Clinics) -> list[SessionToday]:
    return [session_today(r) for r in await conn.fetch(q("today_sessions"), day.start, day.end, limit, clinics)]


async def recent_missed(conn: Conn, since: datetime, limit: int, clinics: Clinics) -> list[MissedVisit]:
    return [missed_visit(r) for r in await conn.fetch(q("recent_missed"), since, limit, clinics)]


async def unresolved_flags(conn: Conn, limit: int, clinics: Clinics) -> list[Flag]:
    return [flag(r) for r in await conn.fetch(q("unresolved_flags"), limit, clinics)]


async def notification_totals(conn: Conn, period: Period, clinics: Clinics) -> list[NotificationCount]:
    rows = await conn.fetch(q("notification_totals"), period.start, period.end, clinics)
    return [notification_count(r) for r in rows]


async def weekly_attendance(conn: Conn, period: Period, timezone: str, clinics: Clinics) -> list[WeekAttendance]:
    rows = await conn.fetch(q("weekly_attendance"), period.start, period.end, timezone, clinics)
    return [week_attendance(r) for r in rows]


async def no_shows_by_kind(conn: Conn, period: Period, clinics: Clinics) -> list[KindNoShows]:
    return [kind_no_shows(r) for r in await conn.fetch(q("no_shows_by_kind"), period.start, period.end, clinics)]


# Rows of the overview's statements as domain values (also what overview_statement returns, by name).
def session_today(r: Row) -> SessionToday:
    return SessionToday(r["session_id"], r["program_id"], r["kind"], r["starts_at"], r["ends_at"], r["cancelled"],
                        r["expected"], r["present"], r["late"], r["left_early"], r["absent"], r["excused"],
                        r["missed"])


def missed_visit(r: Row) -> MissedVisit:
    return MissedVisit(r["visit_id"], r["session_id"], r["patient_id"], r["kind"], r["detected_at"])


def flag(r: Row) -> Flag:
    return Flag(r["flag_id"], r["patient_id"], r["care_team_id"], Severity(r["severity"]), r["rule"],
                tuple(r["reasons"]), r["raised_at"], FlagStatus(r["status"]), r["acknowledged_at"],
                r["acknowledged_by"], r["clinic_id"], r["preferred_name"], r["nobody_paged"])


def notification_count(r: Row) -> NotificationCount:
    return NotificationCount(Outcome(r["outcome"]), r["channel"], r["reason"], r["count"])


def week_attendance(r: Row) -> WeekAttendance:
    return WeekAttendance(r["week_start"], r["expected"], r["attended"], r["excused"])


def kind_no_shows(r: Row) -> KindNoShows:
    return KindNoShows(r["kind"], r["count"])
