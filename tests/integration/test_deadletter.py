"""A malformed message lands in the dead-letter topic with its reason; the next valid message is still processed."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Sequence

import pytest
from aiokafka import AIOKafkaProducer

from iop_devkit.testing.kafka import TopicTail, eventually, private_prefix, unique
from iop_shared.consumer import DeadLetterPublisher, subscribe_events
from iop_shared.contracts import Contract, ContractError, Envelope, encode
from iop_shared.contracts.inbound import SessionCancelled
from iop_shared.contracts.outbound import DeadLetter
from iop_shared.contracts.topics import DEADLETTER, SESSIONS
from iop_shared.kafka import make_broker

pytestmark = pytest.mark.integration


async def test_bad_messages_are_dead_lettered_and_the_partition_keeps_moving(kafka_bootstrap: str,
                                                                               group_id: str) -> None:
    key = unique("ses").encode()  # one key, so all of them share a partition and order
    seen: list[str] = []

    async def on_cancel(env: Envelope[Contract]) -> None:
        assert isinstance(env.data, SessionCancelled)
        if env.data.reason == "explode":
            raise ContractError("handler refused: revision cannot be applied")
        seen.append(env.data.session_id)

    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, enable_idempotence=True, acks="all")
    await producer.start()
    broker = make_broker(kafka_bootstrap, "dlq-test")
    subscribe_events(broker, topic=SESSIONS, group_id=group_id,
                     handlers={"iop.session.cancelled.v1": on_cancel},
                     dead_letters=DeadLetterPublisher(producer, "dlq-test"))
    good = Envelope(data=SessionCancelled(session_id=key.decode(), revision=2), source="iop/test")
    refused = Envelope(data=SessionCancelled(session_id=key.decode(), reason="explode", revision=3),
                       source="iop/test")
    rec, bad_rec = encode(good), encode(refused)
    ce = dict(rec.headers)
    bad = [
        (b"{not json", list(ce.items())),
        (rec.value, [(k, v) for k, v in ce.items() if k != "ce_id"]),
        (rec.value, [*[(k, v) for k, v in ce.items() if k != "ce_type"], ("ce_type", b"iop.session.upserted.v1")]),
    ]
    try:
        async with TopicTail(kafka_bootstrap, DEADLETTER.name) as tail:
            await broker.start()
            for value, headers in bad:
                await producer.send_and_wait(SESSIONS.name, value, key=key, headers=headers)
            await producer.send_and_wait(SESSIONS.name, bad_rec.value, key=key, headers=bad_rec.headers)
            await producer.send_and_wait(SESSIONS.name, rec.value, key=key, headers=rec.headers)
            await eventually(lambda: key.decode() in seen, timeout=30)
            letters = await tail.wait_for(
                lambda e: isinstance(e.data, DeadLetter) and e.data.key == key.decode(), count=4)
    finally:
        await broker.stop()
        await producer.stop()
    errors = [lt.data.error for lt in letters if isinstance(lt.data, DeadLetter)]
    assert any("not JSON" in e for e in errors)
    assert any("missing CloudEvents headers: ce_id" in e for e in errors)
    assert any("invalid iop.session.upserted.v1" in e and "clinic_id: Field required" in e for e in errors)
    assert any("handler refused" in e for e in errors)
    first = next(lt.data for lt in letters if isinstance(lt.data, DeadLetter) and "not JSON" in lt.data.error)
    assert seen.count(key.decode()) == 1
    assert base64.b64decode(first.value_b64) == b"{not json" and first.source_topic == SESSIONS.name
    assert first.service == "dlq-test" and first.offset >= 0 and "ce_type" in first.headers
    await asyncio.sleep(0)


async def test_a_batch_handler_gets_runs_and_only_the_refused_event_is_dead_lettered(
        kafka_bootstrap: str, group_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Private topics: on the shared ones the first test's refused events would be part of the same runs.
    async with private_prefix(kafka_bootstrap, "dlq-", monkeypatch):
        await _batch_run_with_a_refused_event(kafka_bootstrap, group_id)


async def _batch_run_with_a_refused_event(kafka_bootstrap: str, group_id: str) -> None:
    key = unique("ses")
    calls: list[list[str]] = []
    applied: list[str] = []

    async def on_cancels(envs: Sequence[Envelope[Contract]]) -> None:
        calls.append([e.id for e in envs])
        if any(isinstance(e.data, SessionCancelled) and e.data.reason == "explode" for e in envs):
            raise ContractError("handler refused: revision cannot be applied")
        applied.extend(e.data.session_id for e in envs if isinstance(e.data, SessionCancelled))

    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, enable_idempotence=True, acks="all")
    await producer.start()
    broker = make_broker(kafka_bootstrap, "dlq-batch-test")
    subscribe_events(broker, topic=SESSIONS, group_id=group_id, handlers={},
                     batch_handlers={"iop.session.cancelled.v1": on_cancels},
                     dead_letters=DeadLetterPublisher(producer, "dlq-batch-test"))
    envelopes = [Envelope(data=SessionCancelled(session_id=f"{key}-{i}", revision=2,
                                                reason="explode" if i == 3 else None), source="iop/test")
                 for i in range(6)]
    try:
        async with TopicTail(kafka_bootstrap, DEADLETTER.name) as tail:
            for env in envelopes:  # queued before the consumer starts, so they arrive as one run
                rec = encode(env)
                await producer.send_and_wait(SESSIONS.name, rec.value, key=key.encode(), headers=rec.headers)
            await broker.start()
            await eventually(lambda: len(applied) == 5, timeout=30)
            letters = await tail.wait_for(lambda e: isinstance(e.data, DeadLetter) and e.data.key == key, count=1)
    finally:
        await broker.stop()
        await producer.stop()
    assert applied == [f"{key}-{i}" for i in range(6) if i != 3]  # in order, each once
    assert calls[0] == [e.id for e in envelopes]  # the whole run in one call first
    assert all(len(c) == 1 for c in calls[1:])  # then one by one to find the refused one
    letter = letters[0].data
    assert isinstance(letter, DeadLetter) and "handler refused" in letter.error
