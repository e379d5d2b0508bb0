"""Retention over real PostgreSQL: ten simulated days of plan rows, sessions and kernel rows stay bounded."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from iop_devkit.scheduler import make_settings
from iop_devkit.testing.retention import Family, add_unsent_outbox_row, kernel_families, simulate_bounded
from iop_scheduler.adapters.retention import purges
from iop_scheduler.bootstrap import MIGRATIONS
from iop_shared.clock import FrozenClock
from iop_shared.db import Conn, create_pool, migrate
from iop_shared.retention import RetentionTimer

pytestmark = pytest.mark.integration
T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
STEP, PER_STEP = timedelta(hours=6), 5


async def _finished_reminder(conn: Conn, ts: datetime, uid: str) -> None:
    await conn.execute(
        "INSERT INTO reminders (reminder_id, patient_id, purpose, kind, session_ids, due_at, expires_at, urgent,"
        " plan_version, status, dispatched_at) VALUES ($1, 'p-1', 'session_24h', 'cadence', ARRAY['s'], $2, $2,"
        " false, 1, 'dispatched', $2)", uid, ts)


async def _session(conn: Conn, ts: datetime, uid: str) -> None:
    await conn.execute("INSERT INTO sessions (session_id, clinic_id, starts_at, ends_at, timezone, attendees,"
                       " revision) VALUES ($1, 'clinic-a', $2, $3, 'UTC', ARRAY['p-1'], 1)",
                       uid, ts - timedelta(hours=3), ts)


async def _orphan_confirmation(conn: Conn, ts: datetime, uid: str) -> None:
    await conn.execute("INSERT INTO confirmations (patient_id, session_id, confirmed_at) VALUES ('p-1', $1, $2)",
                       uid, ts)


async def test_a_simulated_stretch_stays_bounded_and_keeps_its_window(database_url: str, pg_schema: str) -> None:
    settings = make_settings(database_url, "127.0.0.1:1", pg_schema, "g", gap="1d", plan_retention=7 * 86400,
                             session_retention=2 * 86400, IOP_OUTBOX_RETENTION=86400, IOP_INBOX_RETENTION=2 * 86400,
                             IOP_RETENTION_BATCH=3)  # batches smaller than a step's rows: several per pass
    await asyncio.to_thread(migrate, database_url, pg_schema, MIGRATIONS)
    pool = await create_pool(database_url, pg_schema)
    try:
        clock = FrozenClock(T0)
        async with pool.acquire() as conn:
            await add_unsent_outbox_row(conn, T0)
            # A pending reminder long expired is the dispatcher's to settle; the purge leaves it.
            await conn.execute("INSERT INTO reminders (reminder_id, patient_id, purpose, kind, session_ids, due_at,"
                               " expires_at, urgent, plan_version) VALUES ('pending-1', 'p-1', 'session_24h',"
                               " 'cadence', ARRAY['s'], $1, $1, false, 1)", T0 - timedelta(days=30))
            # A confirmation of a session still kept stays whatever its age.
            await _session(conn, T0 + timedelta(days=30), "kept-session")
            await conn.execute("INSERT INTO confirmations VALUES ('p-1', 'kept-session', $1)", T0 - timedelta(days=9))
        sessions = timedelta(seconds=settings.session_retention)
        families = [*kernel_families(timedelta(days=1), timedelta(days=2)),
                    Family("reminders", timedelta(days=7), _finished_reminder,
                           "SELECT count(*) FROM reminders WHERE status <> 'pending'"),
                    Family("sessions", sessions, _session,
                           "SELECT count(*) FROM sessions WHERE session_id <> 'kept-session'"),
                    Family("confirmations", sessions, _orphan_confirmation,
                           "SELECT count(*) FROM confirmations WHERE session_id <> 'kept-session'")]
        timer = RetentionTimer.for_service(pool, clock, settings, purges(settings))
        await simulate_bounded(pool, clock, timer, families, days=10, step=STEP, per_step=PER_STEP)
        async with pool.acquire() as conn:
            assert await conn.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 2
            assert await conn.fetchval("SELECT status FROM reminders WHERE reminder_id = 'pending-1'") == "pending"
            assert await conn.fetchval("SELECT count(*) FROM confirmations WHERE session_id = 'kept-session'") == 1
    finally:
        await pool.close()


def test_sessions_must_outlast_twice_the_gap(database_url: str) -> None:
    with pytest.raises(ValueError, match="SCHEDULER_SESSION_RETENTION"):
        make_settings(database_url, "127.0.0.1:1", "s", "g", gap="7d", session_retention=7 * 86400)
