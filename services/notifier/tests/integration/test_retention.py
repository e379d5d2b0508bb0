"""Retention over real PostgreSQL: ten simulated days of ledger, requests, webhooks, replies and kernel rows."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from iop_devkit.testing.retention import Family, add_unsent_outbox_row, kernel_families, simulate_bounded
from iop_notifier.adapters.retention import purges
from iop_notifier.bootstrap import MIGRATIONS
from iop_notifier.settings import Settings
from iop_shared.clock import FrozenClock
from iop_shared.db import Conn, create_pool, migrate
from iop_shared.retention import RetentionTimer

pytestmark = pytest.mark.integration
T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
STEP, PER_STEP, DAY = timedelta(hours=6), 5, 86400


async def _request(conn: Conn, ts: datetime, uid: str, state: str = "done") -> int:
    return int(await conn.fetchval(
        "INSERT INTO requests (source_event_id, recipient_kind, recipient_id, purpose, received_at, not_before,"
        " state) VALUES ($1, 'patient', 'p-1', 'session_24h', $2, $2, $3) RETURNING id", uid, ts, state))


async def _sent(conn: Conn, ts: datetime, uid: str, state: str = "delivered") -> None:
    request_id = await _request(conn, ts, uid, "sending")
    await conn.execute(
        "INSERT INTO ledger (notification_id, request_id, source_event_id, recipient_kind, recipient_id, channel,"
        " state, counts_against_cap, claimed_at, updated_at) VALUES ($1, $2, $1, 'patient', 'p-1', 'sms', $3,"
        " true, $4, $4)", uid, request_id, state, ts)


async def _receipt(conn: Conn, ts: datetime, uid: str) -> None:
    await conn.execute("INSERT INTO webhook_receipts (token, received_at) VALUES ($1, $2)", uid, ts)


async def _callback(conn: Conn, ts: datetime, uid: str) -> None:
    await conn.execute("INSERT INTO pending_callbacks (message_sid, status, received_at) VALUES ($1, 'sent', $2)",
                       uid, ts)


async def _reply(conn: Conn, ts: datetime, uid: str) -> None:
    await conn.execute("INSERT INTO inbound_messages (id, channel, body, received_at) VALUES ($1, 'sms', 'ok', $2)",
                       uid, ts)


async def _embedded(conn: Conn, ts: datetime, uid: str) -> None:
    await conn.execute("INSERT INTO embedded_messages (notification_id, recipient_kind, recipient_id, channel, body,"
                       " created_at) VALUES ($1, 'patient', 'p-1', 'sms', 'hi', $2)", uid, ts)


async def _sender(conn: Conn, ts: datetime, uid: str) -> None:
    await conn.execute("INSERT INTO senders (sender_id, phone, updated_at) VALUES ($1, '+15555550100', $2)", uid, ts)


async def test_a_simulated_stretch_stays_bounded_and_keeps_its_window(database_url: str, pg_schema: str) -> None:
    settings = Settings.model_validate({
        "IOP_ENVIRONMENT": "development", "DATABASE_URL": database_url, "db_schema": pg_schema,
        "ledger_retention": 8 * DAY, "webhook_retention": DAY, "IOP_OUTBOX_RETENTION": DAY,
        "IOP_INBOX_RETENTION": 2 * DAY, "IOP_RETENTION_BATCH": 3, "inbound_retention_days": 2})
    await asyncio.to_thread(migrate, database_url, pg_schema, MIGRATIONS)
    pool = await create_pool(database_url, pg_schema)
    try:
        old = T0 - timedelta(days=60)
        async with pool.acquire() as conn:
            await add_unsent_outbox_row(conn, old)
            await _sent(conn, old, "open-send", state="claimed")  # its outcome is still owed: kept, with its request
            await _request(conn, old, "still-pending", state="pending")
        ledger, webhooks = timedelta(days=8), timedelta(days=1)
        families = [*kernel_families(timedelta(days=1), timedelta(days=2)),
                    Family("ledger", ledger, _sent, "SELECT count(*) FROM ledger WHERE state <> 'claimed'"),
                    Family("requests", ledger, _request,  # requests no send points to (suppressed ones)
                           "SELECT count(*) FROM requests r WHERE state = 'done'"
                           " AND NOT EXISTS (SELECT 1 FROM ledger l WHERE l.request_id = r.id)"),
                    Family("webhook_receipts", webhooks, _receipt, "SELECT count(*) FROM webhook_receipts"),
                    Family("pending_callbacks", webhooks, _callback, "SELECT count(*) FROM pending_callbacks"),
                    Family("inbound_messages", timedelta(days=2), _reply, "SELECT count(*) FROM inbound_messages"),
                    Family("embedded_messages", timedelta(days=2), _embedded,
                           "SELECT count(*) FROM embedded_messages"),
                    Family("senders", timedelta(days=2), _sender, "SELECT count(*) FROM senders")]
        clock = FrozenClock(T0)
        timer = RetentionTimer.for_service(pool, clock, settings, purges(settings))
        await simulate_bounded(pool, clock, timer, families, days=10, step=STEP, per_step=PER_STEP)
        async with pool.acquire() as conn:
            # Every send still kept keeps its request; the open send and the pending request stay whatever their age.
            assert await conn.fetchval("SELECT count(*) FROM requests WHERE state = 'sending'") == \
                await conn.fetchval("SELECT count(*) FROM ledger")
            assert await conn.fetchval("SELECT count(*) FROM ledger WHERE notification_id = 'open-send'") == 1
            assert await conn.fetchval("SELECT count(*) FROM requests WHERE state = 'pending'") == 1
            assert await conn.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 2
    finally:
        await pool.close()
