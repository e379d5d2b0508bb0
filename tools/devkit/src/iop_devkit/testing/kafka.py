"""Read events back from real Kafka in tests."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from iop_shared.contracts import Contract, Envelope, decode, encode, headers_to_dict
from iop_shared.contracts.topics import TOPICS
from iop_shared.kafka import load_metadata, provision_topics


class TopicTail:
    """Collects events appended to topics after it started (no consumer group, so it never disturbs one)."""

    def __init__(self, bootstrap: str, *topics: str) -> None:
        self._bootstrap = bootstrap
        self._topics = topics
        self._consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                          group_id=None, auto_offset_reset="earliest")
        self.raw: list[tuple[str, dict[str, str], bytes]] = []

    async def __aenter__(self) -> TopicTail:
        await self._consumer.start()
        deadline = time.monotonic() + 15
        while True:  # a topic created a moment ago may not be in the metadata yet
            await load_metadata(self._consumer)
            missing = [t for t in self._topics if not self._consumer.partitions_for_topic(t)]
            if not missing:
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"topics not found in Kafka: {missing}")
            await asyncio.sleep(0.2)
        tps = [TopicPartition(t, p) for t in self._topics for p in self._consumer.partitions_for_topic(t) or ()]
        self._consumer.assign(tps)
        ends = await self._consumer.end_offsets(tps)
        for tp in tps:
            self._consumer.seek(tp, ends[tp])
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._consumer.stop()

    async def _drain(self, timeout_ms: int) -> None:
        batch = await self._consumer.getmany(timeout_ms=timeout_ms)
        for records in batch.values():
            for r in records:
                self.raw.append((r.topic, headers_to_dict(r.headers or []), r.value))

    def events(self, predicate: Callable[[Envelope[Contract]], bool] = lambda _: True) -> list[Envelope[Contract]]:
        found = []
        for _, headers, value in self.raw:
            try:
                env = decode(headers, value)
            except ValueError:
                continue
            if predicate(env):
                found.append(env)
        return found

    async def wait_for(self, predicate: Callable[[Envelope[Contract]], bool], count: int = 1,
                       timeout: float = 20.0) -> list[Envelope[Contract]]:
        """Wait until `count` matching events arrived; fail the test with what was seen otherwise."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.events(predicate)
            if len(found) >= count or time.monotonic() > deadline:
                if len(found) < count:
                    raise AssertionError(f"saw {len(found)} of {count} expected events in {timeout}s; "
                                         f"types seen: {sorted({h.get('ce_type', '?') for _, h, _ in self.raw})}")
                return found
            await self._drain(200)

    async def settle(self, seconds: float) -> None:
        """Keep reading for a while, to be sure nothing more arrives."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            await self._drain(200)


async def publish(bootstrap: str, *envelopes: Envelope[Contract]) -> None:
    """Publish events the way a clinic system would: CloudEvents binary mode, keyed by entity id."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all")
    await producer.start()
    try:
        for env in envelopes:
            rec = encode(env)
            await producer.send_and_wait(rec.topic, rec.value, key=rec.key, headers=rec.headers)
    finally:
        await producer.stop()


async def publish_bulk(bootstrap: str, envelopes: Iterable[Envelope[Contract]], *, linger_ms: int = 5,
                       max_batch_size: int = 16384) -> None:
    """Publish without waiting per record, as a clinic's integration engine would in bulk; all acked on return."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all",
                                linger_ms=linger_ms, max_batch_size=max_batch_size)
    await producer.start()
    try:
        deliveries = []
        for env in envelopes:
            rec = encode(env)
            deliveries.append(await producer.send(rec.topic, rec.value, key=rec.key, headers=rec.headers))
        await asyncio.gather(*deliveries)
    finally:
        await producer.stop()


def of(ce_type: str, **fields: object) -> Callable[[Envelope[Contract]], bool]:
    """A `TopicTail.wait_for` predicate: an event of `ce_type` whose data has these field values."""
    return lambda e: e.type == ce_type and all(getattr(e.data, k) == v for k, v in fields.items())


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


async def eventually(check: Callable[[], object], timeout: float = 20.0, interval: float = 0.2) -> None:
    """Poll an async or sync check until it returns truthy."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(interval)


@contextmanager
def _topic_prefix(prefix: str) -> Iterator[None]:
    saved = os.environ.get("IOP_TOPIC_PREFIX")
    os.environ["IOP_TOPIC_PREFIX"] = prefix
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("IOP_TOPIC_PREFIX", None)
        else:
            os.environ["IOP_TOPIC_PREFIX"] = saved


@asynccontextmanager
async def private_topics(bootstrap: str, prefix: str) -> AsyncIterator[str]:
    """Copies of every v1 topic behind `prefix`, visible to clients before this yields, deleted afterwards.

    A fresh consumer group reads from the earliest offset, so on the shared topics a test would replay every
    other test's events; callers set IOP_TOPIC_PREFIX to `prefix` for as long as their tests should use them.
    """
    with _topic_prefix(prefix):
        await provision_topics(bootstrap)
    names = [prefix + t.base_name for t in TOPICS]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        async def visible() -> bool:
            await load_metadata(consumer)
            return all(consumer.partitions_for_topic(name) for name in names)
        await eventually(visible, timeout=30, interval=0.1)
    finally:
        await consumer.stop()
    try:
        yield prefix
    finally:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        await admin.start()
        try:
            await admin.delete_topics(names)
        finally:
            await admin.close()


@asynccontextmanager
async def private_prefix(bootstrap: str, tag: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    """`private_topics` behind `tag` and a random part, with IOP_TOPIC_PREFIX set to it while the test runs."""
    async with private_topics(bootstrap, f"{tag}{uuid.uuid4().hex[:8]}.") as prefix:
        monkeypatch.setenv("IOP_TOPIC_PREFIX", prefix)
        yield prefix
