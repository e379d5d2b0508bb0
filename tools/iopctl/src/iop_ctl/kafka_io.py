"""Reading topics and dead letters, and replaying them, with plain aiokafka clients (no consumer group)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from iop_shared.contracts import Contract, Envelope, decode, headers_to_dict
from iop_shared.contracts.outbound import DeadLetter
from iop_shared.contracts.topics import DEADLETTER
from iop_shared.deadletter_crypto import LetterCipher, opened
from iop_shared.kafka import load_metadata


@dataclass(frozen=True)
class Read:
    """One record as read: where it sits, its headers, and its decoded event or why it did not decode."""

    topic: str
    partition: int
    offset: int
    key: str | None
    headers: dict[str, str]
    event: Envelope[Contract] | None
    error: str | None


async def read_topic(bootstrap: str, topic: str, *, from_beginning: bool, limit: int | None,
                     follow: bool) -> AsyncIterator[Read]:
    """Records of `topic`, from its start or its end, until `limit` or (without follow) the current end."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        await load_metadata(consumer)
        partitions = consumer.partitions_for_topic(topic)
        if not partitions:
            raise SystemExit(f"no such topic: {topic}")
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(tps)
        ends = await consumer.end_offsets(tps)
        # Explicit offsets, so "have we reached the end" never depends on a lazy position reset.
        next_offset = await consumer.beginning_offsets(tps) if from_beginning else dict(ends)
        for tp in tps:
            consumer.seek(tp, next_offset[tp])
        seen = 0
        while limit is None or seen < limit:
            if not follow and all(next_offset[tp] >= ends[tp] for tp in tps):
                return
            batch = await consumer.getmany(timeout_ms=500)
            for tp, records in batch.items():
                for rec in records:
                    next_offset[tp] = rec.offset + 1
                    yield _read(rec)
                    seen += 1
                    if limit is not None and seen >= limit:
                        return
    finally:
        await consumer.stop()


def _read(rec: object) -> Read:
    headers = headers_to_dict(rec.headers or [])  # type: ignore[attr-defined]
    key = rec.key.decode("utf-8", "replace") if rec.key else None  # type: ignore[attr-defined]
    try:
        event: Envelope[Contract] | None = decode(headers, rec.value)  # type: ignore[attr-defined]
        error = None
    except ValueError as exc:
        event, error = None, str(exc)
    return Read(rec.topic, rec.partition, rec.offset, key, headers, event, error)  # type: ignore[attr-defined]


async def replay(bootstrap: str, letters: list[DeadLetter], cipher: LetterCipher | None = None) -> int:
    """Publish each dead letter's original value and headers (decrypted) back to its source topic."""
    originals = [opened(letter, cipher) for letter in letters]  # a wrong key fails before anything is sent
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all")
    await producer.start()
    try:
        for letter, (value, clear) in zip(letters, originals, strict=True):
            headers = [(k, v.encode()) for k, v in clear.items() if k != "iop_replayed_from"]
            headers.append(("iop_replayed_from", f"{DEADLETTER.name}:{letter.partition}:{letter.offset}".encode()))
            await producer.send_and_wait(letter.source_topic, value,
                                         key=letter.key.encode() if letter.key else None, headers=headers)
    finally:
        await producer.stop()
    return len(letters)
