"""PostgreSQL access for the scheduler: readable SQL in queries/, models out (never raw records)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, time, timedelta
from functools import cache
from pathlib import Path

import asyncpg

from iop_shared.contracts.outbound import ReminderPurpose
from iop_shared.db import Conn
from iop_shared.tracing import current_carrier

from ..domain.dispatch import DueRow
from ..domain.model import Kind, PastMessage, Reminder, SessionView
from ..domain.notices import Coalesced, Pending
from ..domain.offers import PendingReschedule
from .bulk import BulkQueries
from .rows import PatientRow, patient_row, session_view

__all__ = ["PatientRow", "Repository", "Store"]

QUERIES = Path(__file__).parent / "queries"


@cache
def sql(name: str) -> str:
    return (QUERIES / f"{name}.sql").read_text()


_session = session_view


def _reminder(r: asyncpg.Record) -> Reminder:
    return Reminder(r["reminder_id"], r["patient_id"], r["clinic_id"], ReminderPurpose(r["purpose"]),
                    tuple(r["session_ids"]), r["due_at"], r["expires_at"], r["urgent"], 0, Kind(r["kind"]),
                    r.get("checkin_kind"))


class Repository(BulkQueries):
    """Queries and commands over one connection, inside the caller's transaction."""

    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def upsert_clinic(self, clinic_id: str, tz: str, quiet: tuple[time, time] | None, rev: int) -> bool:
        start, end = quiet or (None, None)
        return bool(await self.conn.fetchval(sql("upsert_clinic"), clinic_id, tz, start, end, rev))

    async def upsert_patient(self, patient_id: str, clinic_id: str, tz: str, discharged_at: datetime | None,
                             rev: int) -> bool:
        """Apply a newer revision; the caller holds the patient's lock (`lock_patient`)."""
        return bool(await self.conn.fetchval(sql("upsert_patient"), patient_id, clinic_id, tz, discharged_at, rev))

    async def lock_patient(self, patient_id: str) -> PatientRow:
        """Take the patient's plan lock (creating a placeholder row when the patient is not known yet)."""
        await self.conn.execute(sql("lock_patient"), patient_id)
        r = await self.conn.fetchrow(sql("patient_for_update"), patient_id)
        assert r is not None
        return patient_row(r)

    async def session_for_update(self, session_id: str) -> tuple[SessionView, str] | None:
        r = await self.conn.fetchrow(sql("session_for_update"), session_id)
        return (_session(r), r["timezone"]) if r else None

    async def upsert_session(self, s: SessionView, tz: str) -> None:
        await self.conn.execute(sql("upsert_session"), s.session_id, s.clinic_id, s.starts_at, s.ends_at, tz,
                                list(s.attendees), s.revision, s.program_id)
        await self.record_intakes([s.session_id])

    async def cancel_session(self, session_id: str, revision: int) -> None:
        await self.conn.execute(sql("cancel_session"), session_id, revision)

    async def sessions_of(self, patient_id: str, since: datetime, until: datetime,
                          clinic_id: str | None) -> tuple[SessionView, ...]:
        """The patient's sessions in the window, of their own clinic only (any while the patient is unknown)."""
        rows = await self.conn.fetch(sql("sessions_of_patient"), patient_id, since, until, clinic_id)
        return tuple(_session(r) for r in rows)

    async def confirmations_of(self, patient_id: str) -> frozenset[str]:
        return frozenset(r["session_id"] for r in await self.conn.fetch(sql("confirmations_of_patient"), patient_id))

    async def add_confirmations(self, patient_id: str, session_ids: list[str], at: datetime) -> None:
        await self.conn.execute(sql("add_confirmations"), patient_id, session_ids, at)

    async def history_of(self, patient_id: str, since: datetime) -> tuple[PastMessage, ...]:
        rows = await self.conn.fetch(sql("history_of_patient"), patient_id, since)
        return tuple(PastMessage(r["reminder_id"], r["due_at"], r["urgent"], tuple(r["session_ids"]),
                                 ReminderPurpose(r["purpose"])) for r in rows)

    async def replace_plan(self, patient_id: str, plan: tuple[Reminder, ...]) -> int:
        """Withdraw the pending cadence and write the new one under a new plan version; return rows written."""
        await self.conn.execute(sql("withdraw_cadence"), patient_id)
        version = await self.conn.fetchval(sql("bump_plan_version"), patient_id)
        return await self.insert(plan, version)

    async def record_dropped(self, patient_id: str, drops: list[tuple[Reminder, str]]) -> list[str]:
        """Keep this plan's drops visible with their reason; return the ids dropped for the first time."""
        rows = []
        if drops:
            ids, reasons = [r.reminder_id for r, _ in drops], [reason for _, reason in drops]
            await self.conn.execute(sql("keep_dropped"), patient_id, ids, reasons)
            rows = await self.conn.fetch(
                sql("insert_dropped"), ids, [r.patient_id for r, _ in drops], [r.clinic_id for r, _ in drops],
                [str(r.purpose) for r, _ in drops], [",".join(r.session_ids) for r, _ in drops],
                [r.due_at for r, _ in drops], [r.expires_at for r, _ in drops], reasons)
        await self.conn.execute(sql("forget_dropped"), patient_id)
        return [r["reminder_id"] for r in rows]

    async def withdraw_all(self, patient_id: str, reason: str) -> None:
        await self.conn.execute(sql("withdraw_all"), patient_id, reason)
        await self.conn.fetchval(sql("bump_plan_version"), patient_id)

    async def withdraw_session_notices(self, session_id: str, patient_ids: list[str] | None = None) -> None:
        """Cancel unsent notices about the session (for everyone, or only these patients)."""
        await self.conn.execute(sql("withdraw_session_notices"), session_id, patient_ids)

    async def pending_notices(self, session_id: str) -> dict[str, Pending]:
        """Unsent notices about the session, by patient (the latest when there are several)."""
        rows = await self.conn.fetch(sql("pending_notices"), session_id)
        return {r["patient_id"]: Pending(r["reminder_id"], r["due_at"],
                                         None if r["told_cancelled"] else r["told_starts_at"])
                for r in sorted(rows, key=lambda r: r["due_at"])}

    async def insert_notices(self, c: Coalesced) -> None:
        """Write new notices with the baseline each carries (what the patient was last told)."""
        await self.insert(tuple(c.notices))
        ids = list(c.told)
        if ids:  # a batch of new sessions has none: no round trip for nothing
            await self.conn.execute(sql("set_told"), ids, [c.told[i] for i in ids], [c.told[i] is None for i in ids])

    async def insert(self, reminders: tuple[Reminder, ...], plan_version: int = 0) -> int:
        if not reminders:
            return 0
        rows = await self.conn.fetch(
            sql("insert_reminders"), [r.reminder_id for r in reminders], [r.patient_id for r in reminders],
            [r.clinic_id for r in reminders], [str(r.purpose) for r in reminders], [str(r.kind) for r in reminders],
            [",".join(r.session_ids) for r in reminders], [r.due_at for r in reminders],
            [r.expires_at for r in reminders], [r.urgent for r in reminders], plan_version,
            [r.checkin_kind for r in reminders],
            (carrier := current_carrier()).get("traceparent"), carrier.get("tracestate"))
        return len(rows)

    async def claim_due(self, now: datetime, limit: int) -> list[DueRow]:
        """Lock up to `limit` due pending rows that no other dispatcher holds."""
        rows = await self.conn.fetch(sql("claim_due"), now, limit)
        return [DueRow(r[0], Kind(r[1]), r[2], r[3], r[4], r[5], r[6], r[7], r[8]) for r in rows]

    async def publish_due(self, reminder_ids: list[str], topic: str, source: str, time: str) -> None:
        """Queue iop.reminder.due.v1 for these reminders in the outbox (see publish_due.sql)."""
        await self.conn.execute(sql("publish_due"), reminder_ids, topic, source, time)

    async def reminder(self, reminder_id: str) -> Reminder | None:
        r = await self.conn.fetchrow("SELECT * FROM reminders WHERE reminder_id = $1", reminder_id)
        return _reminder(r) if r else None

    async def mark_claimed(self, outcomes: list[tuple[str, str, str | None]], now: datetime) -> None:
        await self.conn.execute(sql("mark_claimed"), [o[0] for o in outcomes], [o[1] for o in outcomes],
                                [o[2] for o in outcomes], now)

    async def next_due(self) -> datetime | None:
        value: datetime | None = await self.conn.fetchval(sql("next_due"))
        return value

    async def pending_reschedules(self, clinic_id: str) -> list[PendingReschedule]:
        """The clinic's seats held for its confirmation, soonest to expire first."""
        rows = await self.conn.fetch(sql("reschedule/pending_holds"), clinic_id)
        return [PendingReschedule(hold_expires_at=r["expires_at"], **{k: r[k] for k in (
            "hold_id", "patient_id", "session_id", "slot_id", "slot_starts_at")}) for r in rows]

    async def reminders_of(self, patient_id: str) -> list[dict[str, object]]:
        return [dict(r) for r in await self.conn.fetch(sql("patient_reminders"), patient_id)]

    async def patient_known(self, patient_id: str) -> tuple[bool, str | None]:
        """Whether the patient exists here, and their clinic (None for a placeholder a session created)."""
        r = await self.conn.fetchrow(sql("patient_clinic"), patient_id)
        return (r is not None, r["clinic_id"] if r else None)

    async def owners_of(self, patient_ids: list[str]) -> dict[str, str | None]:
        """The owning clinic of each of these patients that is known (unknown ones are absent)."""
        rows = await self.conn.fetch(sql("patient_owners"), patient_ids)
        return {r["patient_id"]: r["clinic_id"] for r in rows}

    async def withdraw_foreign(self, patient_id: str, clinic_id: str) -> None:
        """Cancel the patient's pending reminders about another clinic's sessions."""
        await self.conn.execute(sql("withdraw_foreign"), patient_id, clinic_id)

    async def enqueue_replans(self, clinic_id: str, fallback_tz: str) -> None:
        await self.conn.execute(sql("enqueue_replans"), clinic_id, fallback_tz)

    async def claim_replans(self, limit: int) -> list[tuple[str, str]]:
        return [(pid, tz) for pid, tz, _ in await self.claim_traced_replans(limit)]

    async def claim_traced_replans(self, limit: int, settled: timedelta | None = None,
                                   ) -> list[tuple[str, str, dict[str, str]]]:
        """The next owed replans (of patients untouched for `settled`, when given), each with the trace headers
        of the change that owed it."""
        rows = await (self.conn.fetch(sql("claim_replans"), limit) if settled is None
                      else self.conn.fetch(sql("claim_settled_replans"), limit, settled))
        return [(r["patient_id"], r["fallback_tz"],
                 {k: r[k] for k in ("traceparent", "tracestate") if r[k]}) for r in rows]

    async def replans_owed(self) -> bool:
        return await self.replans_owed_at_least(1)

    async def replans_owed_at_least(self, n: int) -> bool:
        return bool(await self.conn.fetchval(sql("replans_owed"), n))

    async def done_replans(self, patient_ids: list[str]) -> None:
        await self.conn.execute(sql("done_replans"), patient_ids)

    async def session_clinic(self, session_id: str) -> str | None:
        value: str | None = await self.conn.fetchval(sql("session_clinic"), session_id)
        return value

    async def clinic_timezone(self, clinic_id: str) -> str | None:
        value: str | None = await self.conn.fetchval(sql("clinic_timezone"), clinic_id)
        return value


class Store:
    """Opens transactions over the pool; each yields a Repository bound to that transaction."""

    def __init__(self, pool: asyncpg.Pool | None = None) -> None:
        self._pool = pool

    def attach(self, pool: asyncpg.Pool) -> None:
        """Use this pool from now on (the service creates it when it starts, never at import)."""
        self._pool = pool

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("no database pool yet: the service has not started")
        return self._pool

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Repository]:
        async with self.pool.acquire() as conn, conn.transaction():
            yield Repository(conn)
