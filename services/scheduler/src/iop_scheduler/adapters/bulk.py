"""Set-based queries over many patients or sessions at once: one statement per step of a whole batch."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from functools import cache
from pathlib import Path

import asyncpg

from iop_shared.contracts.outbound import ReminderPurpose
from iop_shared.db import Conn
from iop_shared.tracing import current_carrier

from ..domain.model import PastMessage, Reminder, SessionView
from ..domain.notices import Pending
from .rows import PatientRow, patient_row, session_view

QUERIES = Path(__file__).parent / "queries"


@cache
def _sql(name: str) -> str:
    return (QUERIES / f"{name}.sql").read_text()


class BulkQueries:
    """The batch forms of the Repository's per-patient queries, inside the caller's transaction."""

    conn: Conn

    async def lock_patients(self, patient_ids: list[str]) -> dict[str, PatientRow]:
        """Take the plan locks of all these patients in id order (placeholders for unknown ones)."""
        ids = sorted(set(patient_ids))
        if not ids:
            return {}
        await self.conn.execute(_sql("lock_patients"), ids)
        return {r["patient_id"]: patient_row(r) for r in await self.conn.fetch(_sql("patients_for_update"), ids)}

    async def sessions_for_update_many(self, session_ids: list[str]) -> dict[str, tuple[SessionView, str]]:
        rows = await self.conn.fetch(_sql("sessions_for_update_many"), sorted(set(session_ids)))
        return {r["session_id"]: (session_view(r), r["timezone"]) for r in rows}

    async def upsert_sessions(self, sessions: list[tuple[SessionView, str]]) -> None:
        """upsert_session for each (pipelined: one round trip for the batch)."""
        await self.conn.executemany(_sql("upsert_session"), [
            (s.session_id, s.clinic_id, s.starts_at, s.ends_at, tz, list(s.attendees), s.revision, s.program_id)
            for s, tz in sessions])
        await self.record_intakes([s.session_id for s, _ in sessions])

    async def record_intakes(self, session_ids: list[str]) -> None:
        """Move the attendees' intakes earlier to these (just written) sessions' starts where they begin before."""
        if session_ids:
            await self.conn.execute(_sql("record_intakes"), sorted(set(session_ids)))

    async def sessions_of_many(self, patients: list[tuple[str, str | None]], since: datetime,
                               until: datetime) -> dict[str, tuple[SessionView, ...]]:
        """Each (patient, clinic)'s sessions in the window, as `sessions_of` gives them one by one."""
        rows = await self.conn.fetch(_sql("sessions_of_patients"), [p for p, _ in patients], since, until,
                                     [c for _, c in patients])
        out: dict[str, list[SessionView]] = defaultdict(list)
        views: dict[str, SessionView] = {}  # a group session comes once per attendee: its view is built once
        for r in rows:
            view = views.get(r["session_id"])
            if view is None:
                view = views[r["session_id"]] = session_view(r)
            out[r["for_patient"]].append(view)
        return {p: tuple(out.get(p, ())) for p, _ in patients}

    async def intakes_of_many(self, patient_ids: list[str]) -> dict[str, dict[str, datetime]]:
        """Each patient's stored intake: program id ("*" across all programs) -> the earliest session start."""
        out: dict[str, dict[str, datetime]] = {p: {} for p in patient_ids}
        for r in await self.conn.fetch(_sql("intakes_of_patients"), patient_ids):
            out[r["patient_id"]][r["program_key"]] = r["intake_at"]
        return out

    async def session_programs(self, session_ids: list[str]) -> dict[str, str | None]:
        """Session id -> its program (None when the clinic sent none)."""
        rows = await self.conn.fetch(_sql("session_programs"), session_ids)
        return {r["session_id"]: r["program_id"] for r in rows}

    async def confirmations_of_many(self, patient_ids: list[str]) -> dict[str, frozenset[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for r in await self.conn.fetch(_sql("confirmations_of_patients"), patient_ids):
            out[r["patient_id"]].add(r["session_id"])
        return {p: frozenset(out.get(p, ())) for p in patient_ids}

    async def history_of_many(self, patient_ids: list[str], since: datetime) -> dict[str, tuple[PastMessage, ...]]:
        out: dict[str, list[PastMessage]] = defaultdict(list)
        for r in await self.conn.fetch(_sql("history_of_patients"), patient_ids, since):
            out[r["patient_id"]].append(PastMessage(r["reminder_id"], r["due_at"], r["urgent"],
                                                    tuple(r["session_ids"]), ReminderPurpose(r["purpose"])))
        return {p: tuple(out.get(p, ())) for p in patient_ids}

    async def withdraw_all_many(self, patient_ids: list[str], reason: str) -> None:
        if patient_ids:
            await self.conn.execute(_sql("withdraw_all_many"), patient_ids, reason)
            await self.conn.execute(_sql("bump_plan_versions"), patient_ids)

    async def replace_plans(self, plans: dict[str, tuple[Reminder, ...]]) -> None:
        """replace_plan for many patients: withdraw their pending cadence, write each new plan under a new version."""
        ids = list(plans)
        if not ids:
            return
        await self.conn.execute(_sql("withdraw_cadences"), ids)
        versions = {r["patient_id"]: r["plan_version"]
                    for r in await self.conn.fetch(_sql("bump_plan_versions"), ids)}
        rows = [(r, versions[pid]) for pid, plan in plans.items() for r in plan]
        if rows:
            await self.conn.fetch(
                _sql("insert_plans"), [r.reminder_id for r, _ in rows], [r.patient_id for r, _ in rows],
                [r.clinic_id for r, _ in rows], [str(r.purpose) for r, _ in rows], [str(r.kind) for r, _ in rows],
                [",".join(r.session_ids) for r, _ in rows], [r.due_at for r, _ in rows],
                [r.expires_at for r, _ in rows], [r.urgent for r, _ in rows], [v for _, v in rows],
                [r.checkin_kind for r, _ in rows], (carrier := current_carrier()).get("traceparent"),
                carrier.get("tracestate"))

    async def record_dropped_many(self, patient_ids: list[str], drops: list[tuple[Reminder, str]]) -> list[str]:
        """record_dropped for many patients; return the ids dropped for the first time."""
        new: list[asyncpg.Record] = []
        if drops:
            ids, reasons = [r.reminder_id for r, _ in drops], [reason for _, reason in drops]
            await self.conn.execute(_sql("keep_dropped_many"), ids, [r.patient_id for r, _ in drops], reasons)
            new = await self.conn.fetch(
                _sql("insert_dropped"), ids, [r.patient_id for r, _ in drops], [r.clinic_id for r, _ in drops],
                [str(r.purpose) for r, _ in drops], [",".join(r.session_ids) for r, _ in drops],
                [r.due_at for r, _ in drops], [r.expires_at for r, _ in drops], reasons)
        if patient_ids:
            await self.conn.execute(_sql("forget_dropped_many"), patient_ids)
        return [r["reminder_id"] for r in new]

    async def pending_notices_many(self, session_ids: list[str]) -> dict[str, dict[str, Pending]]:
        """pending_notices for many sessions: session -> patient -> the latest unsent notice."""
        out: dict[str, dict[str, Pending]] = defaultdict(dict)
        if session_ids:
            rows = await self.conn.fetch(_sql("pending_notices_many"), session_ids)
            for r in sorted(rows, key=lambda r: r["due_at"]):
                told = None if r["told_cancelled"] else r["told_starts_at"]
                out[r["session_id"]][r["patient_id"]] = Pending(r["reminder_id"], r["due_at"], told)
        return out

    async def enqueue_patients(self, fallback_zones: dict[str, str]) -> None:
        """Queue a replan of each patient (id -> fallback zone); a queued one keeps one row, the latest zone."""
        ids = sorted(fallback_zones)
        if ids:
            carrier = current_carrier()
            await self.conn.execute(_sql("enqueue_patients"), ids, [fallback_zones[p] for p in ids],
                                    carrier.get("traceparent"), carrier.get("tracestate"))

    async def withdraw_notices_of(self, pairs: list[tuple[str, str]]) -> None:
        """Cancel the unsent notices about each (session, patient)."""
        if pairs:
            await self.conn.execute(_sql("withdraw_notices_of"), [s for s, _ in pairs], [p for _, p in pairs])
