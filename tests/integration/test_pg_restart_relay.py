"""The outbox relay recovers from PostgreSQL restarts by itself: rows added after them are published, each once."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

import asyncpg
import pytest

from iop_devkit.testing.kafka import TopicTail, eventually, unique
from iop_devkit.testing.private_pg import PrivatePostgres, count_while_restarting
from iop_shared.contracts import Envelope
from iop_shared.contracts.outbound import CheckinIntent, CheckinReceived
from iop_shared.contracts.topics import CHECKINS
from iop_shared.db import migrate
from iop_shared.outbox import add
from iop_shared.relay import OutboxRelay

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]


def _checkin(run: str, i: int) -> Envelope[CheckinReceived]:
    return Envelope(data=CheckinReceived(checkin_id=f"{run}-{i}", patient_id=f"{run}-p{i % 7}",
                                         intent=CheckinIntent.mood, value=i % 10, received_at=datetime.now(UTC)),
                    source=f"iop/{run}")


async def _writer(url: str, schema: str, run: str, stop: asyncio.Event) -> None:
    """Adds rows in small transactions, riding out the restarts (a failed write is simply tried again)."""
    i = 0
    while not stop.is_set():
        try:
            conn = await asyncpg.connect(url, server_settings={"search_path": schema}, timeout=2)
        except (OSError, asyncpg.PostgresError):
            await asyncio.sleep(0.05)
            continue
        with contextlib.suppress(Exception):  # any fault of a dying connection: reconnect and go on
            while not stop.is_set():
                async with conn.transaction():
                    await add(conn, [_checkin(run, i + k) for k in range(10)])
                i += 10
                await asyncio.sleep(0.02)
        with contextlib.suppress(Exception):
            await conn.close()


async def _unsent(url: str, schema: str) -> int:
    return await count_while_restarting(url, schema, "SELECT count(*) FROM outbox WHERE sent_at IS NULL")


def _crash(pg: PrivatePostgres) -> None:
    """SIGKILL the postmaster, then start it again (crash recovery)."""
    pg.kill()
    pg.start()


async def test_the_relay_publishes_again_after_postgres_restarts_under_load(
        private_postgres: PrivatePostgres, kafka_bootstrap: str) -> None:
    await _relay_through(private_postgres, private_postgres.restart, kafka_bootstrap)


async def test_the_relay_publishes_again_after_postgres_crashes_under_load(kafka_bootstrap: str) -> None:
    # Durable mode: without synchronous_commit a crash loses commits the relay may already have published.
    pg = PrivatePostgres(durable=True)
    await asyncio.to_thread(pg.start)
    try:
        await _relay_through(pg, lambda: _crash(pg), kafka_bootstrap)
    finally:
        await asyncio.to_thread(pg.stop)


async def _relay_through(pg: PrivatePostgres, bounce: Callable[[], None], kafka_bootstrap: str) -> None:
    schema, run = f"t_{uuid.uuid4().hex[:12]}", unique("rly")
    await asyncio.to_thread(migrate, pg.url, schema)
    stop_writing, stop_relay = asyncio.Event(), asyncio.Event()
    relays = [OutboxRelay(pg.url, schema, kafka_bootstrap, batch_size=20, poll_interval=0.05) for _ in range(2)]
    async with TopicTail(kafka_bootstrap, CHECKINS.name) as tail:
        tasks = [asyncio.create_task(r.run(stop_relay)) for r in relays]
        writer = asyncio.create_task(_writer(pg.url, schema, run, stop_writing))
        for pause in (0.9, 0.35, 1.3, 0.6, 0.15, 1.1):  # various points of the relay's cycle
            await asyncio.sleep(pause)
            await asyncio.to_thread(bounce)
        await asyncio.sleep(1.5)  # rows added after the last restart
        stop_writing.set()
        await writer
        await eventually(lambda: _unsent_is_zero(pg.url, schema), timeout=60)
        stop_relay.set()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=30)
        await tail.settle(1.0)
    conn = await asyncpg.connect(pg.url, server_settings={"search_path": schema})
    try:
        rows = await conn.fetch("SELECT event_id, created_at FROM outbox")
        last_restart = await conn.fetchval("SELECT pg_postmaster_start_time()")
    finally:
        await conn.close()
    counts = Counter(h["ce_id"] for _, h, _ in tail.raw if h.get("ce_source") == f"iop/{run}")
    assert {r["event_id"] for r in rows} == set(counts), "every committed row published, nothing else"
    assert set(counts.values()) == {1}, "no duplicates"
    assert sum(r["created_at"] > last_restart for r in rows) > 0, "rows were added after the last restart"


async def _unsent_is_zero(url: str, schema: str) -> bool:
    return await _unsent(url, schema) == 0
