"""Retention over real PostgreSQL: simulated months of prompts, stray records and kernel rows stay bounded,
while the clinical history (visits, records at known sessions, check-ins) is kept whatever its age."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from iop_attendance.adapters.retention import purges
from iop_attendance.bootstrap import MIGRATIONS
from iop_devkit.testing.retention import Family, add_unsent_outbox_row, kernel_families, simulate_bounded
from iop_shared.clock import FrozenClock
from iop_shared.db import Conn, create_pool, migrate
from iop_shared.retention import RetentionTimer

from ..conftest import make_settings

pytestmark = pytest.mark.integration
T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
STEP, PER_STEP, DAY = timedelta(days=1), 3, 86400


async def _prompt(conn: Conn, ts: datetime, uid: str) -> None:
    await conn.execute("INSERT INTO prompts (reminder_id, patient_id, due_at) VALUES ($1, 'p-1', $2)", uid, ts)


async def _stray_record(conn: Conn, ts: datetime, uid: str) -> None:
    await conn.execute("INSERT INTO attendance_records (event_id, session_id, patient_id, status, recorded_at,"
                       " source) VALUES ($1, $1, 'p-1', 'present', $2, 'kiosk')", uid, ts)


async def _history(conn: Conn, at: datetime) -> None:
    """A visit, its record, a check-in and a flag, old enough for any purge to take if it wrongly could."""
    await conn.execute("INSERT INTO sessions (session_id, clinic_id, program_id, kind, starts_at, ends_at, revision)"
                       " VALUES ('s-old', 'clinic-1', 'prog-1', 'group', $1, $1, 1)", at)
    await conn.execute("INSERT INTO visits (session_id, patient_id, program_id, kind, starts_at, ends_at, due_at,"
                       " expected, status) VALUES ('s-old', 'p-1', 'prog-1', 'group', $1, $1, $1, true, 'present')",
                       at)
    await conn.execute("INSERT INTO attendance_records (event_id, session_id, patient_id, status, recorded_at,"
                       " source) VALUES ('e-old', 's-old', 'p-1', 'present', $1, 'kiosk')", at)
    await conn.execute("INSERT INTO checkins (checkin_id, event_id, patient_id, intent, value, received_at)"
                       " VALUES ('c-old', 'ce-old', 'p-1', 'mood', 5, $1)", at)


async def test_simulated_months_stay_bounded_and_keep_the_history(
        kafka_bootstrap: str, database_url: str, pg_schema: str) -> None:
    settings = make_settings(kafka_bootstrap, database_url, pg_schema, "g", prompt_retention=120 * DAY,
                             orphan_retention=7 * DAY, IOP_OUTBOX_RETENTION=DAY, IOP_INBOX_RETENTION=2 * DAY,
                             IOP_RETENTION_BATCH=2)
    await asyncio.to_thread(migrate, database_url, pg_schema, MIGRATIONS)
    pool = await create_pool(database_url, pg_schema)
    try:
        async with pool.acquire() as conn:
            await _history(conn, T0 - timedelta(days=400))
            await add_unsent_outbox_row(conn, T0 - timedelta(days=400))
        families = [*kernel_families(timedelta(days=1), timedelta(days=2)),
                    Family("prompts", timedelta(days=120), _prompt, "SELECT count(*) FROM prompts"),
                    Family("orphan_records", timedelta(days=7), _stray_record,
                           "SELECT count(*) FROM attendance_records WHERE session_id <> 's-old'")]
        clock = FrozenClock(T0)
        timer = RetentionTimer.for_service(pool, clock, settings, purges(settings))
        await simulate_bounded(pool, clock, timer, families, days=130, step=STEP, per_step=PER_STEP)
        async with pool.acquire() as conn:
            for table in ("sessions", "visits", "checkins"):
                assert await conn.fetchval(f"SELECT count(*) FROM {table}") == 1, table  # noqa: S608
            assert await conn.fetchval("SELECT count(*) FROM attendance_records WHERE session_id = 's-old'") == 1
            assert await conn.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 2
    finally:
        await pool.close()
