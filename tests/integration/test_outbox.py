"""The outbox relay publishes each event exactly once: across a SIGKILL between publishing and marking, and
with two relays running at once. Migrations apply from an empty schema and are idempotent."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import asyncpg
import pytest

from iop_devkit.testing.kafka import TopicTail, eventually, unique
from iop_shared.contracts import Envelope
from iop_shared.contracts.outbound import CheckinIntent, CheckinReceived
from iop_shared.contracts.topics import CHECKINS
from iop_shared.db import create_pool, migrate
from iop_shared.outbox import add
from iop_shared.relay import OutboxRelay

pytestmark = pytest.mark.integration
SUPPORT = Path(__file__).resolve().parents[1] / "support"


def _checkins(run: str, n: int) -> list[Envelope[CheckinReceived]]:
    from datetime import UTC, datetime

    return [Envelope(data=CheckinReceived(checkin_id=f"{run}-{i}", patient_id=f"{run}-p{i % 7}",
                                          intent=CheckinIntent.mood, value=i % 10, received_at=datetime.now(UTC)),
                     source=f"iop/{run}") for i in range(n)]


async def _write(pool: asyncpg.Pool, envelopes: list[Envelope[CheckinReceived]]) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await add(conn, envelopes)


def _ce_ids(tail: TopicTail, run: str) -> Counter[str]:
    return Counter(h["ce_id"] for _, h, _ in tail.raw if h.get("ce_source") == f"iop/{run}")


async def test_migrations_apply_from_empty_and_are_idempotent(database_url: str, pg_schema: str) -> None:
    first = await asyncio.to_thread(migrate, database_url, pg_schema)
    assert first == ["shared_0001_outbox_inbox", "shared_0002_outbox_failed", "shared_0003_retention",
                     "shared_0004_outbox_trace"]
    assert await asyncio.to_thread(migrate, database_url, pg_schema) == []
    conn = await asyncpg.connect(database_url)
    try:
        tables = {r["table_name"] for r in await conn.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = $1", pg_schema)}
    finally:
        await conn.close()
    assert {"outbox", "inbox"} <= tables


async def test_outbox_rows_roll_back_with_the_state_change(database_url: str, pg_schema: str) -> None:
    await asyncio.to_thread(migrate, database_url, pg_schema)
    pool = await create_pool(database_url, pg_schema)
    try:
        async def change_that_fails() -> None:
            async with pool.acquire() as conn, conn.transaction():
                await add(conn, _checkins(unique("rb"), 3))
                raise RuntimeError("state change failed")

        with pytest.raises(RuntimeError):
            await change_that_fails()
        assert await pool.fetchval("SELECT count(*) FROM outbox") == 0
    finally:
        await pool.close()


async def test_relay_killed_between_publish_and_mark_publishes_exactly_once(
        database_url: str, pg_schema: str, kafka_bootstrap: str, tmp_path: Path) -> None:
    await asyncio.to_thread(migrate, database_url, pg_schema)
    pool = await create_pool(database_url, pg_schema)
    run = unique("kill")
    marker = tmp_path / "published"
    try:
        async with TopicTail(kafka_bootstrap, CHECKINS.name) as tail:
            await _write(pool, _checkins(run, 500))
            argv = [sys.executable, str(SUPPORT / "relay_crash.py"), database_url, pg_schema, kafka_bootstrap,
                    str(marker)]
            crashing = subprocess.Popen(argv, env={**os.environ})  # noqa: ASYNC220
            await eventually(marker.exists, timeout=60)
            os.kill(crashing.pid, signal.SIGKILL)
            crashing.wait()
            assert await pool.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 500
            await tail.wait_for(lambda e: e.source == f"iop/{run}", count=200)

            stop = asyncio.Event()
            relay = OutboxRelay(database_url, pg_schema, kafka_bootstrap, poll_interval=0.2)
            task = asyncio.create_task(relay.run(stop))
            await eventually(lambda: pool.fetchval("SELECT count(*) = 0 FROM outbox WHERE sent_at IS NULL"), 60)
            stop.set()
            await task
            await tail.settle(1.0)
        counts = _ce_ids(tail, run)
        assert len(counts) == 500 and set(counts.values()) == {1}, "every event exactly once"
        assert relay.published == 500  # 200 recovered as already published, 300 sent
    finally:
        await pool.close()


async def test_two_relays_at_once_publish_each_event_once(
        database_url: str, pg_schema: str, kafka_bootstrap: str) -> None:
    await asyncio.to_thread(migrate, database_url, pg_schema)
    pool = await create_pool(database_url, pg_schema)
    run = unique("two")
    stop = asyncio.Event()
    relays = [OutboxRelay(database_url, pg_schema, kafka_bootstrap, batch_size=50, poll_interval=0.2)
              for _ in range(2)]
    try:
        async with TopicTail(kafka_bootstrap, CHECKINS.name) as tail:
            tasks = [asyncio.create_task(r.run(stop)) for r in relays]
            for chunk in range(10):
                await _write(pool, _checkins(f"{run}-{chunk}", 60))
            await eventually(lambda: pool.fetchval("SELECT count(*) = 0 FROM outbox WHERE sent_at IS NULL"), 60)
            stop.set()
            await asyncio.gather(*tasks)
            await tail.settle(1.0)
        counts = Counter(h["ce_id"] for _, h, _ in tail.raw if h.get("ce_source", "").startswith(f"iop/{run}"))
        assert len(counts) == 600 and set(counts.values()) == {1}
        assert sorted(r.published for r in relays)[0] == 0, "the standby never published"
    finally:
        await pool.close()
