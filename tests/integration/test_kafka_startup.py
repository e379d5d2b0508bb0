"""Kafka unreachable at start: the consumer and the relay wait with backoff and proceed once it answers."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaProducer

from iop_devkit.testing.kafka import TopicTail, eventually, private_prefix, publish, unique
from iop_devkit.testing.private_pg import free_port
from iop_shared.consumer import DeadLetterPublisher, subscribe_events
from iop_shared.contracts import Contract, Envelope
from iop_shared.contracts.inbound import SessionCancelled
from iop_shared.contracts.outbound import CheckinIntent, CheckinReceived
from iop_shared.contracts.topics import CHECKINS, SESSIONS
from iop_shared.db import create_pool, migrate
from iop_shared.kafka import make_broker, wait_for_kafka
from iop_shared.outbox import add
from iop_shared.relay import OutboxRelay

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]


@contextlib.asynccontextmanager
async def tcp_proxy(port: int, target: str) -> AsyncIterator[None]:
    """Forward 127.0.0.1:`port` to `target` (host:port) while inside."""
    host, target_port = target.rsplit(":", 1)

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(host, int(target_port))
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    try:
        yield
    finally:
        server.close()


async def test_consumer_and_relay_wait_for_a_late_kafka(
        kafka_bootstrap: str, database_url: str, pg_schema: str, group_id: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    async with private_prefix(kafka_bootstrap, "late-", monkeypatch):
        await _late_kafka(kafka_bootstrap, database_url, pg_schema, group_id)


async def _late_kafka(kafka_bootstrap: str, database_url: str, pg_schema: str, group_id: str) -> None:
    port = free_port()
    late = f"127.0.0.1:{port}"  # nobody listens here until the proxy starts
    await asyncio.to_thread(migrate, database_url, pg_schema)
    pool = await create_pool(database_url, pg_schema)
    run, seen = unique("late"), []

    async def on_cancel(env: Envelope[Contract]) -> None:
        seen.append(env.id)

    async def start_consumer() -> None:  # what a service's start does
        await wait_for_kafka(late, timeout=60)
        await broker.start()

    broker = make_broker(late, "late-test")
    dlq = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await dlq.start()
    subscribe_events(broker, topic=SESSIONS, group_id=group_id,
                     handlers={"iop.session.cancelled.v1": on_cancel}, dead_letters=DeadLetterPublisher(dlq, "late"))
    stop = asyncio.Event()
    relay = OutboxRelay(database_url, pg_schema, late, poll_interval=0.2)
    async with pool.acquire() as conn, conn.transaction():
        await add(conn, [Envelope(data=CheckinReceived(checkin_id=run, patient_id=f"{run}-p", intent=CheckinIntent.mood,
                                                       value=3, received_at=datetime.now(UTC)), source=f"iop/{run}")])
    try:
        async with TopicTail(kafka_bootstrap, CHECKINS.name) as tail:
            consumer = asyncio.create_task(start_consumer())
            relay_task = asyncio.create_task(relay.run(stop))
            await asyncio.sleep(3)
            assert not consumer.done(), "the consumer gave up (or connected to nobody)"
            assert relay.published == 0
            async with tcp_proxy(port, kafka_bootstrap):
                await asyncio.wait_for(consumer, timeout=30)
                await tail.wait_for(lambda e: e.source == f"iop/{run}", timeout=30)
                event = Envelope(data=SessionCancelled(session_id=run, revision=2), source="iop/t")
                await publish(kafka_bootstrap, event)
                await eventually(lambda: event.id in seen, timeout=30)
                stop.set()
                await relay_task
    finally:
        stop.set()
        await broker.stop()
        await dlq.stop()
        await pool.close()
    assert relay.published == 1
