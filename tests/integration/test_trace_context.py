"""The trace context goes through the outbox row, the relay's publish and the Kafka headers to the consumer's span;
an event written outside any trace is published without a traceparent; the ce_* headers are untouched."""

from __future__ import annotations

import asyncio

import pytest
from aiokafka import AIOKafkaProducer
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import get_current_span

from iop_devkit.testing.kafka import TopicTail, eventually, private_prefix, unique
from iop_shared.consumer import DeadLetterPublisher, subscribe_events
from iop_shared.contracts import Contract, Envelope, encode
from iop_shared.contracts.examples import EXAMPLES
from iop_shared.contracts.inbound import SessionUpserted
from iop_shared.contracts.topics import SESSIONS
from iop_shared.db import create_pool, migrate
from iop_shared.kafka import make_broker
from iop_shared.outbox import add
from iop_shared.relay import OutboxRelay
from iop_shared.tracing import configure_tracing, span

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]
UPSERT = "iop.session.upserted.v1"
EXPORTER = InMemorySpanExporter()


def _upsert(session_id: str) -> Envelope[SessionUpserted]:
    data = SessionUpserted.model_validate({**EXAMPLES[UPSERT], "session_id": session_id, "revision": 1})
    return Envelope(data=data, source="iop/test")


async def test_trace_context_crosses_the_outbox_kafka_and_the_consumer(
        database_url: str, pg_schema: str, kafka_bootstrap: str, group_id: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    configure_tracing("iop-test", extra=EXPORTER)
    async with private_prefix(kafka_bootstrap, "trace-", monkeypatch):
        await asyncio.to_thread(migrate, database_url, pg_schema)
        traced, untraced = _upsert(unique("ses")), _upsert(unique("ses"))
        pool = await create_pool(database_url, pg_schema)
        seen: dict[str, int] = {}

        async def on_upsert(env: Envelope[Contract]) -> None:
            seen[env.id] = get_current_span().get_span_context().trace_id

        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
        await producer.start()
        broker = make_broker(kafka_bootstrap, "trace-test")
        subscribe_events(broker, topic=SESSIONS, group_id=group_id, handlers={UPSERT: on_upsert},
                         dead_letters=DeadLetterPublisher(producer, "trace-test"))
        relay, stop = OutboxRelay(database_url, pg_schema, kafka_bootstrap, poll_interval=0.2), asyncio.Event()
        try:
            with span("ingest") as ingest:
                async with pool.acquire() as conn, conn.transaction():
                    await add(conn, [traced])
            async with pool.acquire() as conn, conn.transaction():
                await add(conn, [untraced])
            trace_id = ingest.get_span_context().trace_id
            stored = await pool.fetchval("SELECT traceparent FROM outbox WHERE event_id = $1", traced.id)
            assert stored.split("-")[1] == f"{trace_id:032x}"
            assert await pool.fetchval("SELECT traceparent FROM outbox WHERE event_id = $1", untraced.id) is None
            async with TopicTail(kafka_bootstrap, SESSIONS.name) as tail:
                task = asyncio.create_task(relay.run(stop))
                await broker.start()
                await eventually(lambda: len(seen) == 2, timeout=30)
                ids = {traced.id, untraced.id}
                await tail.wait_for(lambda e: e.id in ids, 2, 10)
                headers = {h["ce_id"]: h for _, h, _ in tail.raw}
        finally:
            stop.set()
            await broker.stop()
            await producer.stop()
            await pool.close()
        await asyncio.wait_for(task, 10)
    assert seen[traced.id] == trace_id
    assert seen[untraced.id] not in (0, trace_id)  # its consumer span starts a trace of its own
    [publish] = [s for s in EXPORTER.get_finished_spans() if s.name == f"publish {SESSIONS.name}"]
    assert publish.context.trace_id == trace_id and publish.parent and publish.parent.span_id == \
        ingest.get_span_context().span_id
    # The consumer continues from the publish span, whose context the header carries.
    assert headers[traced.id]["traceparent"].split("-")[2] == f"{publish.context.span_id:016x}"
    assert "traceparent" not in headers[untraced.id]
    expected = {k: v.decode() for k, v in encode(traced).headers}
    assert {k: v for k, v in headers[traced.id].items() if k.startswith("ce_")} == \
        {k: v for k, v in expected.items() if k.startswith("ce_")}
