"""Retention over real PostgreSQL: simulated weeks of the dashboard's read model stay bounded; open flags and
unopened concerns stay whatever their age."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from iop_dashboard.adapters.retention import purges
from iop_dashboard.bootstrap import MIGRATIONS
from iop_dashboard.settings import Settings
from iop_devkit.testing.retention import Family, add_unsent_outbox_row, bound, kernel_families, simulate
from iop_shared.clock import FrozenClock
from iop_shared.db import Conn, create_pool, migrate
from iop_shared.retention import RetentionTimer

pytestmark = pytest.mark.integration
T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
STEP, PER_STEP, DAY = timedelta(hours=12), 3, 86400


async def _session(conn: Conn, ts: datetime, uid: str) -> None:
    await conn.execute("INSERT INTO sessions (session_id, clinic_id, starts_at, ends_at, revision)"
                       " VALUES ($1, 'clinic-1', $2, $2, 1)", uid, ts)
    await conn.execute("INSERT INTO expected_attendees (session_id, patient_id) VALUES ($1, 'p-1')", uid)


async def _attendance(conn: Conn, ts: datetime, uid: str) -> None:
    await conn.execute("INSERT INTO attendance VALUES ($1, 'p-1', 'present', $2)", uid, ts)


async def _missed(conn: Conn, ts: datetime, uid: str) -> None:
    await conn.execute("INSERT INTO missed_visits (visit_id, session_id, patient_id, detected_at)"
                       " VALUES ($1, $1, 'p-1', $2)", uid, ts)


async def _count(conn: Conn, ts: datetime, uid: str) -> None:
    await conn.execute("INSERT INTO notification_counts (hour, outcome, reason, n) VALUES ($1, 'sent', $2, 1)",
                       ts, uid)


async def _flag(conn: Conn, ts: datetime, uid: str, rank: int = 3) -> None:
    await conn.execute("INSERT INTO risk_flags (flag_id, patient_id, raised_at, status, status_rank, resolved_at)"
                       " VALUES ($1, 'p-1', $2, $3, $4, $5)", uid, ts - timedelta(days=1),
                       "resolved" if rank == 3 else "open", rank, ts if rank == 3 else None)


async def _concern(conn: Conn, ts: datetime, uid: str, opened: bool = True) -> None:
    await conn.execute("INSERT INTO concerns (concern_id, patient_id, received_at, opened_at, opened_by)"
                       " VALUES ($1, 'p-1', $2, $3, $4)", uid, ts - timedelta(hours=1), ts if opened else None,
                       "u-1" if opened else None)


async def _unpaged(conn: Conn, ts: datetime, uid: str) -> None:
    await conn.execute("INSERT INTO unpaged_flags (flag_id, noted_at) VALUES ($1, $2)", uid, ts)


async def test_simulated_weeks_stay_bounded_and_keep_what_is_open(database_url: str, pg_schema: str) -> None:
    settings = Settings.model_validate({
        "IOP_ENVIRONMENT": "development", "DATABASE_URL": database_url, "db_schema": pg_schema, "chart_weeks": 1,
        "history_retention": 14 * DAY, "closed_retention": DAY, "IOP_OUTBOX_RETENTION": DAY,
        "IOP_INBOX_RETENTION": 2 * DAY, "IOP_RETENTION_BATCH": 2})
    await asyncio.to_thread(migrate, database_url, pg_schema, MIGRATIONS)
    pool = await create_pool(database_url, pg_schema)
    try:
        old = T0 - timedelta(days=300)
        async with pool.acquire() as conn:
            await add_unsent_outbox_row(conn, old)
            await _flag(conn, old, "open-flag", rank=1)
            await _unpaged(conn, old, "open-flag")  # nobody was paged for a flag still open: stays listed
            await _concern(conn, old, "waiting", opened=False)
        history, closed = timedelta(days=14), timedelta(days=1)
        families = [*kernel_families(timedelta(days=1), timedelta(days=2)),
                    Family("sessions", history, _session, "SELECT count(*) FROM sessions"),
                    Family("attendance", history, _attendance, "SELECT count(*) FROM attendance"),
                    Family("missed_visits", history, _missed, "SELECT count(*) FROM missed_visits"),
                    Family("notification_counts", history, _count, "SELECT count(*) FROM notification_counts"),
                    Family("resolved_flags", closed, _flag, "SELECT count(*) FROM risk_flags WHERE status_rank = 3"),
                    Family("opened_concerns", closed, _concern,
                           "SELECT count(*) FROM concerns WHERE opened_at IS NOT NULL"),
                    Family("unpaged_flags", closed, _unpaged,
                           "SELECT count(*) FROM unpaged_flags WHERE flag_id <> 'open-flag'")]
        clock = FrozenClock(T0)
        timer = RetentionTimer.for_service(pool, clock, settings, purges(settings))
        await simulate(pool, clock, timer, families, days=20, step=STEP, per_step=PER_STEP)
        async with pool.acquire() as conn:
            # An expected attendee goes with its session.
            assert await conn.fetchval("SELECT count(*) FROM expected_attendees") == \
                await conn.fetchval("SELECT count(*) FROM sessions")
            assert await conn.fetchval("SELECT count(*) FROM risk_flags WHERE flag_id = 'open-flag'") == 1
            assert await conn.fetchval("SELECT count(*) FROM unpaged_flags WHERE flag_id = 'open-flag'") == 1
            assert await conn.fetchval("SELECT count(*) FROM concerns WHERE opened_at IS NULL") == 1
            assert await conn.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 2
        for family in families:
            assert family.peak <= bound(family, STEP, PER_STEP), family.name
            assert family.peak < len(family.stamps), f"{family.name} was never purged"
    finally:
        await pool.close()


def test_history_must_cover_what_the_page_shows(database_url: str) -> None:
    with pytest.raises(ValueError, match="DASHBOARD_HISTORY_RETENTION"):
        Settings.model_validate({"IOP_ENVIRONMENT": "development", "chart_weeks": 8, "history_retention": 30 * DAY})
