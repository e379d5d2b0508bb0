"""Relays the outbox to Kafka exactly once, even when killed between publishing and marking.

One relay per schema is active at a time (a PostgreSQL advisory lock held on its own connection; others
wait as standbys). Before publishing a batch the relay records, per row, the partition it goes to and that
partition's end offset; after a crash the next leader reads those partitions from the recorded offsets and
marks the rows whose event ids it finds as sent instead of publishing them again.

Whatever fails (Kafka, a PostgreSQL restart, a connection left half-way), the relay starts over with backoff
and takes leadership again: it never stops for good. A row the broker refuses as too large is set aside
(marked failed with its reason, counted) so the rows after it still go out.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable
from dataclasses import dataclass

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.partitioner import DefaultPartitioner
from opentelemetry.trace import SpanKind
from prometheus_client import Counter

from .db import check_schema_name
from .faults import PERMANENT_KAFKA_ERRORS, is_transient
from .logging import get_logger
from .tracing import context_from, current_carrier, span, trace_headers

log = get_logger(__name__)
_partitioner = DefaultPartitioner()
SET_ASIDE = Counter("outbox_rows_set_aside_total", "Outbox rows the broker refused for good (too large)", ["schema"])
_MAX_BACKOFF = 5.0

_PENDING = """
SELECT id, event_id, topic, key, value, headers, traceparent, tracestate FROM outbox
WHERE sent_at IS NULL AND failed_at IS NULL ORDER BY id LIMIT $1
"""
_MARK_INFLIGHT = """
UPDATE outbox AS o SET partition = v.p, inflight_offset = v.off
FROM unnest($1::bigint[], $2::int[], $3::bigint[]) AS v(id, p, off) WHERE o.id = v.id
"""
_MARK_SENT = "UPDATE outbox SET sent_at = now() WHERE id = ANY($1::bigint[])"
_MARK_FAILED = """
UPDATE outbox AS o SET failed_at = now(), failure = v.reason
FROM unnest($1::bigint[], $2::text[]) AS v(id, reason) WHERE o.id = v.id
"""
_INFLIGHT = """
SELECT id, event_id, topic, partition, inflight_offset FROM outbox
WHERE sent_at IS NULL AND failed_at IS NULL AND inflight_offset IS NOT NULL
"""


@dataclass(frozen=True)
class _Row:
    id: int
    event_id: str
    topic: str
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]
    traceparent: str | None = None
    tracestate: str | None = None


class OutboxRelay:
    """Publishes pending outbox rows of one schema with an idempotent acks=all producer."""

    def __init__(self, database_url: str, schema: str, bootstrap_servers: str, *,
                 batch_size: int = 1000, poll_interval: float = 1.0) -> None:
        self._database_url = database_url
        self._schema = check_schema_name(schema)
        self._bootstrap = bootstrap_servers
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._wakeup = asyncio.Event()
        self._failures = 0
        self.published = 0
        self.set_aside = 0

    async def run(self, stop: asyncio.Event) -> None:
        """Wait for leadership, then relay until `stop` is set; on any fault, back off and start over."""
        while not stop.is_set():
            try:
                await self._run_once(stop)
            except Exception as exc:  # a relay that dies stops the outbox for good
                self._failures += 1
                if is_transient(exc):
                    log.warning("outbox_relay_restarting", schema=self._schema, error=type(exc).__name__)
                else:
                    log.exception("outbox_relay_failed_restarting", schema=self._schema, error=type(exc).__name__)
                delay = min(max(self._poll_interval, 0.1) * 2 ** min(self._failures - 1, 6), _MAX_BACKOFF)
                await _wait(stop, delay)

    async def _run_once(self, stop: asyncio.Event) -> None:
        lock_conn = await asyncpg.connect(self._database_url, server_settings={"search_path": self._schema},
                                          timeout=10, command_timeout=60)
        producer = AIOKafkaProducer(bootstrap_servers=self._bootstrap, enable_idempotence=True, acks="all",
                                    linger_ms=5, max_batch_size=256 * 1024)
        reader = AIOKafkaConsumer(bootstrap_servers=self._bootstrap, enable_auto_commit=False,
                                  isolation_level="read_committed")
        try:
            await producer.start()
            await reader.start()
            if await self._lead(lock_conn, stop):
                await lock_conn.add_listener(f"outbox_{self._schema}", self._notified)
                await self._relay(lock_conn, producer, reader, stop)
        finally:
            await _quietly(producer.stop())
            await _quietly(reader.stop())
            # A connection the server dropped mid-statement may never answer a polite close.
            await _quietly(lock_conn.close(timeout=2))
            lock_conn.terminate()

    def _notified(self, *_: object) -> None:
        self._wakeup.set()

    async def _lead(self, conn: asyncpg.Connection, stop: asyncio.Event) -> bool:
        while not stop.is_set():
            if await conn.fetchval("SELECT pg_try_advisory_lock(hashtext($1))", f"{self._schema}.outbox"):
                log.info("outbox_relay_leading", schema=self._schema)
                return True
            await _wait(stop, self._poll_interval)
        return False

    async def _relay(self, lock_conn: asyncpg.Connection, producer: AIOKafkaProducer,
                     reader: AIOKafkaConsumer, stop: asyncio.Event) -> None:
        await self._recover(lock_conn, reader)
        self._failures = 0
        while not stop.is_set():
            self._wakeup.clear()
            rows = await self._pending(lock_conn)
            if rows:
                await self._publish(lock_conn, producer, reader, rows)
                continue
            waiter = asyncio.ensure_future(self._wakeup.wait())
            await asyncio.wait([waiter, asyncio.ensure_future(stop.wait())], timeout=self._poll_interval,
                               return_when=asyncio.FIRST_COMPLETED)

    async def _pending(self, conn: asyncpg.Connection) -> list[_Row]:
        records = await conn.fetch(
            _PENDING, self._batch_size)
        return [_Row(r["id"], r["event_id"], r["topic"], r["key"], r["value"],
                     [(k, v.encode()) for k, v in json.loads(r["headers"]).items()],
                     r["traceparent"], r["tracestate"]) for r in records]

    async def _publish(self, conn: asyncpg.Connection, producer: AIOKafkaProducer,
                       reader: AIOKafkaConsumer, rows: list[_Row]) -> None:
        partitions = {row.id: await _partition_for(producer, row) for row in rows}
        tps = {TopicPartition(row.topic, partitions[row.id]) for row in rows}
        ends = await reader.end_offsets(list(tps))
        await conn.execute(
            _MARK_INFLIGHT,
            [r.id for r in rows], [partitions[r.id] for r in rows],
            [ends[TopicPartition(r.topic, partitions[r.id])] for r in rows])
        refused: dict[int, str] = {}
        futures: list[tuple[_Row, asyncio.Future[object]]] = []
        for r in rows:
            try:
                futures.append((r, await _send(producer, r, partitions[r.id])))
            except PERMANENT_KAFKA_ERRORS as exc:
                refused[r.id] = type(exc).__name__
        sent: list[int] = []
        for (r, _), result in zip(futures, await asyncio.gather(*(f for _, f in futures), return_exceptions=True),
                                  strict=True):
            if isinstance(result, PERMANENT_KAFKA_ERRORS):
                refused[r.id] = type(result).__name__
            elif isinstance(result, BaseException):
                raise result  # transient: start over; recovery finds what did reach Kafka
            else:
                sent.append(r.id)
        if refused:
            await self._set_aside(conn, [r for r in rows if r.id in refused], refused)
        await self._mark_sent(conn, sent)

    async def _set_aside(self, conn: asyncpg.Connection, rows: list[_Row], reasons: dict[int, str]) -> None:
        """Mark rows the broker can never take as failed, so the rows after them are published."""
        await conn.execute(_MARK_FAILED, [r.id for r in rows], [reasons[r.id] for r in rows])
        for r in rows:  # ids and sizes only: the value may hold personal data
            log.error("outbox_row_set_aside", schema=self._schema, outbox_id=r.id, event_id=r.event_id,
                      topic=r.topic, bytes=len(r.value), reason=reasons[r.id])
        SET_ASIDE.labels(self._schema).inc(len(rows))
        self.set_aside += len(rows)

    async def _mark_sent(self, conn: asyncpg.Connection, ids: list[int]) -> None:
        await conn.execute(_MARK_SENT, ids)
        self.published += len(ids)

    async def _recover(self, conn: asyncpg.Connection, reader: AIOKafkaConsumer) -> None:
        inflight = await conn.fetch(_INFLIGHT)
        if not inflight:
            return
        start: dict[TopicPartition, int] = {}
        ids_by_event: dict[str, int] = {}
        for r in inflight:
            tp = TopicPartition(r["topic"], r["partition"])
            start[tp] = min(start.get(tp, r["inflight_offset"]), r["inflight_offset"])
            ids_by_event[r["event_id"]] = r["id"]
        found = await _event_ids_since(reader, start)
        already = [ids_by_event[e] for e in found if e in ids_by_event]
        if already:
            await self._mark_sent(conn, already)
        log.info("outbox_relay_recovered", schema=self._schema, inflight=len(inflight), already_published=len(already))


async def _send(producer: AIOKafkaProducer, row: _Row, partition: int) -> asyncio.Future[object]:
    """Send one row; a row written in a trace is sent in a publish span of that trace, whose context the
    consumers continue (the traceparent/tracestate headers of the CloudEvents tracing extension)."""
    if not row.traceparent:
        sent: asyncio.Future[object] = await producer.send(row.topic, row.value, key=row.key, headers=row.headers,
                                                           partition=partition)
        return sent
    ce_type = next((v.decode() for k, v in row.headers if k == "ce_type"), "")
    attributes = {"messaging.system": "kafka", "messaging.destination.name": row.topic,
                  "messaging.message.id": row.event_id, "cloudevents.event_type": ce_type,
                  "messaging.destination.partition.id": str(partition)}
    with span(f"publish {row.topic}", parent=context_from(trace_headers(row.traceparent, row.tracestate)),
              kind=SpanKind.PRODUCER, attributes=attributes):
        carrier = current_carrier()
        headers = [*row.headers, *trace_headers(carrier.get("traceparent"), carrier.get("tracestate"))]
        traced: asyncio.Future[object] = await producer.send(row.topic, row.value, key=row.key, headers=headers,
                                                             partition=partition)
        return traced


async def _partition_for(producer: AIOKafkaProducer, row: _Row) -> int:
    partitions = sorted(await producer.partitions_for(row.topic))
    return int(_partitioner(row.key, partitions, partitions))


async def _event_ids_since(reader: AIOKafkaConsumer, start: dict[TopicPartition, int]) -> set[str]:
    """ce_id headers of every record from the given offsets to the current end of each partition."""
    ends = await reader.end_offsets(list(start))
    todo = {tp for tp in start if ends[tp] > start[tp]}
    found: set[str] = set()
    if not todo:
        return found
    reader.assign(list(todo))
    for tp in todo:
        reader.seek(tp, start[tp])
    while todo:
        batch = await reader.getmany(*todo, timeout_ms=1000)
        for records in batch.values():
            for rec in records:
                found.update(v.decode() for k, v in rec.headers if k == "ce_id")
        todo = {tp for tp in todo if await reader.position(tp) < ends[tp]}
    return found


async def _quietly(closing: Awaitable[object]) -> None:
    with contextlib.suppress(Exception):
        await asyncio.wait_for(closing, timeout=5)


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
