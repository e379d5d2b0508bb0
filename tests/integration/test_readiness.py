"""Readiness tells the truth: it fails while the outbox is not published or a consumer is stuck on one offset."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from iop_devkit.testing.kafka import eventually, private_prefix, publish, unique
from iop_shared.consumer import DeadLetterPublisher, subscribe_events
from iop_shared.contracts import Contract, Envelope
from iop_shared.contracts.inbound import SessionCancelled
from iop_shared.contracts.topics import SESSIONS
from iop_shared.db import create_pool, migrate
from iop_shared.health import readiness
from iop_shared.kafka import make_broker
from iop_shared.outbox import add
from iop_shared.relay import OutboxRelay
from iop_shared.settings import BaseServiceSettings

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]


async def test_readiness_fails_while_the_outbox_is_not_published(
        database_url: str, pg_schema: str, kafka_bootstrap: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOP_READY_OUTBOX_MAX_AGE", "30")
    settings = BaseServiceSettings()
    await asyncio.to_thread(migrate, database_url, pg_schema)
    pool = await create_pool(database_url, pg_schema)
    stop = asyncio.Event()
    try:
        assert (await readiness(pool, settings)).ready
        async with pool.acquire() as conn, conn.transaction():
            await add(conn, [Envelope(data=SessionCancelled(session_id=unique("s"), revision=2), source="iop/t")])
        assert (await readiness(pool, settings)).ready, "a fresh row is not a stall"
        await pool.execute("UPDATE outbox SET created_at = now() - interval '31 seconds'")  # nobody relayed it
        stalled = await readiness(pool, settings)
        assert not stalled.ready and stalled.reasons == ["outbox_not_publishing"]
        task = asyncio.create_task(OutboxRelay(database_url, pg_schema, kafka_bootstrap, poll_interval=0.2).run(stop))
        await eventually(lambda: _ready(pool, settings), timeout=30)
        stop.set()
        await task
    finally:
        stop.set()
        await pool.close()


async def _ready(pool: asyncpg.Pool, settings: BaseServiceSettings) -> bool:
    return (await readiness(pool, settings)).ready


async def test_readiness_fails_while_a_consumer_is_stuck_on_one_offset(
        database_url: str, pg_schema: str, kafka_bootstrap: str, group_id: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOP_READY_CONSUMER_STUCK_AFTER", "2")
    settings = BaseServiceSettings()
    await asyncio.to_thread(migrate, database_url, pg_schema)
    pool = await create_pool(database_url, pg_schema)
    database_down = True

    async def on_cancel(env: Envelope[Contract]) -> None:
        if database_down:
            raise ConnectionRefusedError("database away")  # transient: retried, redelivered, never committed

    async with private_prefix(kafka_bootstrap, "rdy-", monkeypatch):
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
        await producer.start()
        broker = make_broker(kafka_bootstrap, "ready-test")
        subscribe_events(broker, topic=SESSIONS, group_id=group_id, handlers={"iop.session.cancelled.v1": on_cancel},
                         dead_letters=DeadLetterPublisher(producer, "ready-test"), retry_attempts=2)
        try:
            await broker.start()
            await publish(kafka_bootstrap, Envelope(data=SessionCancelled(session_id=unique("s"), revision=2),
                                                    source="iop/t"))
            await eventually(lambda: _stuck(pool, settings, group_id), timeout=30)
            database_down = False
            await eventually(lambda: _ready(pool, settings), timeout=30)
        finally:
            await broker.stop()
            await producer.stop()
            await pool.close()


async def _stuck(pool: asyncpg.Pool, settings: BaseServiceSettings, group_id: str) -> bool:
    state = await readiness(pool, settings)
    return not state.ready and any(r.startswith(f"consumer_stuck:{group_id}:") for r in state.reasons)
