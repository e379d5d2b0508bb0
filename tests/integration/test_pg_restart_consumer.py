"""A PostgreSQL restart while a consumer applies events: every event applied once, none dead-lettered."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from iop_devkit.testing.kafka import TopicTail, eventually, private_prefix, unique
from iop_devkit.testing.private_pg import PrivatePostgres, count_while_restarting
from iop_shared.consumer import DeadLetterPublisher, subscribe_events
from iop_shared.contracts import Contract, Envelope, encode
from iop_shared.contracts.inbound import SessionCancelled
from iop_shared.contracts.topics import DEADLETTER, SESSIONS
from iop_shared.db import claim_event, create_pool, migrate, transaction
from iop_shared.kafka import make_broker

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]
EVENTS = 400


async def _count(url: str, schema: str) -> int:
    return await count_while_restarting(url, schema, "SELECT count(*) FROM applied")


async def test_a_postgres_restart_mid_stream_loses_nothing(
        private_postgres: PrivatePostgres, kafka_bootstrap: str, group_id: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    async with private_prefix(kafka_bootstrap, "pgr-", monkeypatch):
        await _consume_through_restarts(private_postgres, kafka_bootstrap, group_id)


async def _consume_through_restarts(pg: PrivatePostgres, kafka_bootstrap: str, group_id: str) -> None:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    await asyncio.to_thread(migrate, pg.url, schema)
    pool = await create_pool(pg.url, schema, max_size=6)
    await pool.execute("CREATE TABLE applied (event_id text NOT NULL)")

    async def on_cancel(env: Envelope[Contract]) -> None:
        async with transaction(pool) as conn:
            if await claim_event(conn, "restart-test", env.id):
                await conn.execute("SELECT pg_sleep(0.01)")  # keeps statements in flight when the server stops
                await conn.execute("INSERT INTO applied VALUES ($1)", env.id)

    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, enable_idempotence=True, acks="all")
    await producer.start()
    broker = make_broker(kafka_bootstrap, "pg-restart-test")
    subscribe_events(broker, topic=SESSIONS, group_id=group_id, handlers={"iop.session.cancelled.v1": on_cancel},
                     dead_letters=DeadLetterPublisher(producer, "pg-restart-test"), max_records=20)
    run = unique("rst")
    try:
        async with TopicTail(kafka_bootstrap, DEADLETTER.name) as tail:
            await broker.start()
            for i in range(EVENTS):
                env = Envelope(data=SessionCancelled(session_id=f"{run}-{i % 12}", revision=i + 1), source="iop/t")
                rec = encode(env)
                await producer.send(rec.topic, rec.value, key=rec.key, headers=rec.headers)
                if i % 100 == 50:  # restarts while events are arriving and being applied
                    await producer.flush()
                    await asyncio.sleep(0.3)
                    await asyncio.to_thread(pg.restart)
            await producer.flush()
            await eventually(lambda: _done(pg.url, schema), timeout=120)
            await tail.settle(2.0)
        letters = tail.events(lambda e: e.source == "iop/pg-restart-test")
        assert letters == [], [getattr(e.data, "error", "") for e in letters]
        conn = await asyncpg.connect(pg.url, server_settings={"search_path": schema})
        try:
            row = await conn.fetchrow("SELECT count(*), count(DISTINCT event_id) FROM applied")
            assert row is not None
            total, distinct = row
        finally:
            await conn.close()
        assert (total, distinct) == (EVENTS, EVENTS), "every event applied exactly once"
    finally:
        await broker.stop()
        await producer.stop()
        await pool.close()


async def _done(url: str, schema: str) -> bool:
    return await _count(url, schema) >= EVENTS
