"""The ceiling of this machine: raw aiokafka produce-and-consume round trip, measured in the same run as a bench.

    uv run python bench/rawkafka.py [records]

Every bench reports its own rate as a ratio to this figure, so two runs on a busy and a quiet machine compare.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

RECORD = b"x" * 204  # the measurement: 204-byte records, acks=all, idempotent, 12 partitions
PARTITIONS = 12


async def _produce(bootstrap: str, topic: str, n: int) -> float:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5)
    await producer.start()
    started = time.perf_counter()
    try:
        # send() waits while the accumulator is full and returns the delivery future: the producer's own pacing
        deliveries = [await producer.send(topic, RECORD, key=str(i % 1000).encode()) for i in range(n)]
        await asyncio.gather(*deliveries)
    finally:
        await producer.stop()
    return time.perf_counter() - started


async def _consume(bootstrap: str, topic: str, n: int, ready: asyncio.Event) -> float:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False, group_id=f"raw-{uuid.uuid4().hex[:8]}")
    await consumer.start()
    ready.set()
    seen = 0
    started = time.perf_counter()
    try:
        while seen < n:
            batches = await consumer.getmany(timeout_ms=500, max_records=10_000)
            seen += sum(len(records) for records in batches.values())
    finally:
        await consumer.stop()
    return time.perf_counter() - started


async def raw_round_trip(bootstrap: str, n: int = 200_000) -> float:
    """Records per second through one fresh 12-partition topic, producer start to the last record consumed."""
    topic = f"bench-raw-{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, PARTITIONS, 1)])
        ready = asyncio.Event()
        consuming = asyncio.create_task(_consume(bootstrap, topic, n, ready))
        await ready.wait()
        started = time.perf_counter()
        await _produce(bootstrap, topic, n)
        await consuming
        return n / (time.perf_counter() - started)
    finally:
        await admin.delete_topics([topic])
        await admin.close()


if __name__ == "__main__":
    records = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    rate = asyncio.run(raw_round_trip(os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092"), records))
    print(f"raw aiokafka round trip: {rate:,.0f} records/s ({records:,} records)")
    print(json.dumps({"bench": "rawkafka", "records": records, "raw_kafka_round_trip_per_s": round(rate)}))
