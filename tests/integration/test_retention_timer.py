"""The kernel's retention timer over real PostgreSQL: it purges on its own schedule, in batches, by the injected
clock, and never takes unsent outbox rows or rows inside the window."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from iop_devkit.testing.kafka import eventually
from iop_shared.clock import FrozenClock
from iop_shared.db import create_pool, migrate
from iop_shared.retention import RetentionTimer, kernel_purges
from iop_shared.settings import BaseServiceSettings

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]


async def test_the_timer_purges_by_the_injected_clock_in_batches(database_url: str, pg_schema: str,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOP_OUTBOX_RETENTION", "3600")
    monkeypatch.setenv("IOP_INBOX_RETENTION", "7200")
    monkeypatch.setenv("IOP_RETENTION_INTERVAL", "0.2")
    monkeypatch.setenv("IOP_RETENTION_BATCH", "7")
    settings = BaseServiceSettings()
    await asyncio.to_thread(migrate, database_url, pg_schema)
    pool = await create_pool(database_url, pg_schema)
    stop = asyncio.Event()
    # The database's own clock says every row is fresh; only the injected clock, a day ahead, makes them old.
    clock = FrozenClock(datetime.now(UTC) + timedelta(days=1))
    try:
        await pool.execute("INSERT INTO outbox (event_id, topic, key, value, headers, sent_at)"
                           " SELECT 'e' || i, 't', ''::bytea, ''::bytea, '{}', now() FROM generate_series(1, 50) i")
        await pool.execute("INSERT INTO outbox (event_id, topic, key, value, headers)"
                           " VALUES ('unsent', 't', ''::bytea, ''::bytea, '{}')")
        await pool.execute("INSERT INTO inbox (consumer, event_id) SELECT 'c', 'e' || i FROM generate_series(1, 30) i")
        task = asyncio.create_task(RetentionTimer.for_service(pool, clock, settings).run(stop))

        async def purged() -> bool:
            left = await pool.fetchval("SELECT (SELECT count(*) FROM outbox) + (SELECT count(*) FROM inbox)")
            return bool(left == 1)
        await eventually(purged, timeout=20)
        assert await pool.fetchval("SELECT event_id FROM outbox") == "unsent"
        # Rows inside the window (by the injected clock) stay through later passes.
        await pool.execute("INSERT INTO inbox (consumer, event_id, applied_at) VALUES ('c', 'fresh', $1)",
                           clock.now() - timedelta(minutes=30))
        await asyncio.sleep(0.6)
        assert await pool.fetchval("SELECT count(*) FROM inbox") == 1
        stop.set()
        await asyncio.wait_for(task, timeout=5)
    finally:
        stop.set()
        await pool.close()


def test_kernel_families_follow_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOP_OUTBOX_RETENTION", "120")
    families = {p.name: p.keep for p in kernel_purges(BaseServiceSettings())}
    assert families == {"outbox": timedelta(seconds=120), "inbox": timedelta(days=7)}
