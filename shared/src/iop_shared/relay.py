"""Relays the outbox to Kafka exactly once, even when killed between publishing and marking.

One relay per schema is active at a time (a PostgreSQL advisory lock held on its own connection; others
wait as standbys). Before publishing a batch the relay records, per row, the partition it goes to and that
partition's end offset; after a crash the next leader reads those partitions from the recorded offsets and
marks the rows whose event ids it finds as sent instead of publishing them again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError
from aiokafka.partitioner import DefaultPartitioner

from .db import check_schema_name
from .logging import get_logger

log = get_logger(__name__)
_partitioner = DefaultPartitioner()

_PENDING = "SELECT id, event_id, topic, key, value, headers FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT $1"
_MARK_INFLIGHT = """
UPDATE outbox AS o SET partition = v.p, inflight_offset = v.off
FROM unnest($1::bigint[], $2::int[], $3::bigint[]) AS v(id, p, off) WHERE o.id = v.id
"""
_MARK_SENT = "UPDATE outbox SET sent_at = now() WHERE id = ANY($1::bigint[])"
_INFLIGHT = """
SELECT id, event_id, topic, partition, inflight_offset FROM outbox
WHERE sent_at IS NULL AND inflight_offset IS NOT NULL
"""


@dataclass(frozen=True)
class _Row:
    id: int
    event_id: str
    topic: str
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


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
        self.published = 0

    async def run(self, stop: asyncio.Event) -> None:
        """Wait for leadership, then relay until `stop` is set; on a Kafka or database fault, start over."""
        while not stop.is_set():
            try:
                await self._run_once(stop)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, KafkaError) as exc:
                log.warning("outbox_relay_restarting", schema=self._schema, error=type(exc).__name__)
                await _wait(stop, self._poll_interval)

    async def _run_once(self, stop: asyncio.Event) -> None:
        lock_conn = await asyncpg.connect(self._database_url, server_settings={"search_path": self._schema})
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
            await producer.stop()
            await reader.stop()
            await lock_conn.close()

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
                     [(k, v.encode()) for k, v in json.loads(r["headers"]).items()]) for r in records]

    async def _publish(self, conn: asyncpg.Connection, producer: AIOKafkaProducer,
                       reader: AIOKafkaConsumer, rows: list[_Row]) -> None:
        partitions = {row.id: await _partition_for(producer, row) for row in rows}
        tps = {TopicPartition(row.topic, partitions[row.id]) for row in rows}
        ends = await reader.end_offsets(list(tps))
        await conn.execute(
            _MARK_INFLIGHT,
            [r.id for r in rows], [partitions[r.id] for r in rows],
            [ends[TopicPartition(r.topic, partitions[r.id])] for r in rows])
        futures = [await producer.send(r.topic, r.value, key=r.key, headers=r.headers, partition=partitions[r.id])
                   for r in rows]
        await asyncio.gather(*futures)
        await self._mark_sent(conn, [r.id for r in rows])

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


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
