"""Poison values never stall a partition: each is dead-lettered with a reason, the next valid event is applied."""

from __future__ import annotations

import base64
import hashlib
import json
import time

import pytest
from aiokafka import AIOKafkaProducer

from iop_devkit.testing.kafka import TopicTail, eventually, private_prefix, unique
from iop_shared.consumer import DeadLetterPublisher, subscribe_events
from iop_shared.contracts import Contract, Envelope, encode
from iop_shared.contracts.examples import EXAMPLES
from iop_shared.contracts.inbound import SessionUpserted
from iop_shared.contracts.outbound import DeadLetter
from iop_shared.contracts.topics import DEADLETTER, SESSIONS
from iop_shared.kafka import make_broker

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]
UPSERT = "iop.session.upserted.v1"


def _upsert(session_id: str, revision: int) -> dict[str, object]:
    return {**EXAMPLES[UPSERT], "session_id": session_id, "revision": revision}


def _poison(session_id: str) -> dict[str, bytes]:
    """Values that broke the decoder, by name: each must reach the dead-letter topic."""
    upsert = json.dumps(_upsert(session_id, 1)).encode()
    return {
        "nested": b'{"session_id": "x", "deep": ' + b"[" * 200_000 + b"]" * 200_000 + b"}",
        "digits": upsert.replace(b'"revision": 1', b'"revision": ' + b"7" * 5000),
        "utf8": b'{"session_id": "\xff\xfe\xfd"}',
        "array": b"[1, 2, 3]",
        "oversized": b"{not json" + b"x" * 950_000,
    }


async def test_poison_values_are_dead_lettered_and_the_next_event_on_the_key_is_applied(
        kafka_bootstrap: str, group_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    async with private_prefix(kafka_bootstrap, "poison-", monkeypatch):
        await _poison_then_valid(kafka_bootstrap, group_id)


async def _poison_then_valid(kafka_bootstrap: str, group_id: str) -> None:
    key = unique("ses")
    applied: list[int] = []

    async def on_upsert(env: Envelope[Contract]) -> None:
        assert isinstance(env.data, SessionUpserted)
        applied.append(env.data.revision)

    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, enable_idempotence=True, acks="all")
    await producer.start()
    broker = make_broker(kafka_bootstrap, "poison-test")
    subscribe_events(broker, topic=SESSIONS, group_id=group_id, handlers={UPSERT: on_upsert},
                     dead_letters=DeadLetterPublisher(producer, "poison-test"))
    valid = encode(Envelope(data=SessionUpserted.model_validate(_upsert(key, 2)), source="iop/test"))
    poison = _poison(key)
    big_header = [(k, v) for k, v in valid.headers if k != "ce_type"] + [("ce_type", b"t" * 400_000)]
    try:
        async with TopicTail(kafka_bootstrap, DEADLETTER.name) as tail:
            await broker.start()
            for value in poison.values():
                await producer.send_and_wait(SESSIONS.name, value, key=key.encode(), headers=valid.headers)
            await producer.send_and_wait(SESSIONS.name, valid.value, key=key.encode(), headers=big_header)
            started = time.monotonic()
            await producer.send_and_wait(SESSIONS.name, valid.value, key=key.encode(), headers=valid.headers)
            await eventually(lambda: applied == [2], timeout=30)
            assert time.monotonic() - started < 15, "the valid upsert waited behind the poison"
            found = await tail.wait_for(lambda e: isinstance(e.data, DeadLetter) and e.data.key == key, count=6)
    finally:
        await broker.stop()
        await producer.stop()
    letters = [e.data for e in found if isinstance(e.data, DeadLetter)]
    errors = [lt.error for lt in letters]
    assert sum("value is not JSON: RecursionError" in e for e in errors) == 1
    assert sum("value is not JSON: ValueError" in e for e in errors) == 1  # the 5,000 digits
    assert sum("UnicodeDecodeError" in e for e in errors) == 1
    assert sum("not a JSON object: list" in e for e in errors) == 1
    assert sum("unknown ce_type" in e for e in errors) == 1
    huge = next(lt for lt in letters if "unknown ce_type" in lt.error)
    assert huge.truncated and len(huge.headers["ce_type"]) <= 1024 and len(huge.error) <= 1000
    big = next(lt for lt in letters if lt.original_size == len(poison["oversized"]))
    assert big.truncated and big.value_sha256 == hashlib.sha256(poison["oversized"]).hexdigest()
    assert poison["oversized"].startswith(base64.b64decode(big.value_b64))
    small = next(lt for lt in letters if "not a JSON object" in lt.error)
    assert not small.truncated and base64.b64decode(small.value_b64) == b"[1, 2, 3]"
