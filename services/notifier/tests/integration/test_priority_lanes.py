"""Priority lanes: a crisis reply and an urgent message are accepted within 2 s while 5,000 reminders go out,
paced by the sender's rate limit, each exactly once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from aiokafka import AIOKafkaProducer

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.runner import Running, run_notifier
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.testing.kafka import eventually
from iop_notifier.adapters.sql import Q
from iop_notifier.settings import Settings
from iop_shared.contracts.cloudevents import encode

pytestmark = pytest.mark.integration
BURST = 5_000
RATE = 250


async def _read_models(svc: Running, clinic: str, session_id: str, phones: list[str]) -> None:
    """The burst's clinic, session and patients written directly: only the reminders go through Kafka."""
    c, s = b.clinic(clinic, quiet=b.all_day()).data, b.session(session_id, clinic, [], starts_in=timedelta(days=2))
    qh = c.quiet_hours
    async with svc.deps.pool.acquire() as conn:
        await conn.execute(Q["upsert_clinic"], c.clinic_id, c.public_name, c.callback_phone, c.timezone,
                           c.default_locale.value, qh.start if qh else None, qh.end if qh else None, c.revision)
        await conn.execute(Q["upsert_session"], session_id, clinic, s.data.starts_at, None, False, 1, None,
                           s.data.kind.value)
        await conn.executemany(Q["upsert_patient"], [
            (f"lane-{i}", clinic, phone, None, "America/New_York", "en", ["sms"], True, False, "team-x", None, 1)
            for i, phone in enumerate(phones)])


async def test_a_crisis_reply_and_an_urgent_message_overtake_a_5000_reminder_burst(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    clinic, session_id = b.uid("cl"), b.uid("ses")
    phones = [f"+1555{3000000 + i:07d}" for i in range(BURST + 1)]
    # The sender's rate limit holds the burst to 20 s at least; urgent messages are never paced behind it.
    settings = make_settings(dispatch_batch=500, dispatch_concurrency=16, sms_rate_per_second=RATE)
    async with run_notifier(settings) as svc:
        await _read_models(svc, clinic, session_id, phones)
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all", enable_idempotence=True)
        await producer.start()
        try:
            sent = [await producer.send(r.topic, r.value, key=r.key, headers=r.headers) for r in (
                encode(b.reminder(f"lane-{i}", clinic, [session_id])) for i in range(BURST))]
            await asyncio.gather(*sent)
            await _overtaken(svc, twilio, producer, clinic, session_id, phones)
        finally:
            await producer.stop()
        await eventually(lambda: len(twilio.messages) >= BURST + 2, timeout=240)
        await asyncio.sleep(1.0)
        assert sorted(m.to for m in twilio.messages if "988" not in m.body) == sorted(phones)  # each exactly once
        routine = [m.accepted_at for m in twilio.messages if m.to in set(phones[:BURST])]
        assert max(routine) - min(routine) >= (BURST - RATE) / RATE * 0.95  # the limit held under concurrency


async def _overtaken(svc: Running, twilio: TwilioFake, producer: AIOKafkaProducer, clinic: str, session_id: str,
                     phones: list[str]) -> None:
    """While the burst goes out: a crisis text's answer, then an urgent message, each accepted within 2 s."""
    await eventually(lambda: len(twilio.messages) >= 200, timeout=60)  # the burst is under way
    sender = b.phone()
    started = time.monotonic()
    response = await twilio.post_inbound(f"{svc.base_url}/twilio/inbound", from_=sender, to="+15550000009",
                                         body="I want to kill myself")
    assert response.status_code == 200
    await eventually(lambda: [m for m in twilio.to(sender) if "988" in m.body], timeout=2.0)
    assert time.monotonic() - started < 2.0

    # Urgent messages (care-team pages, replies) take their own lane, not the routine queue's turn.
    async def ingested() -> bool:
        return int(await svc.deps.pool.fetchval("SELECT count(*) FROM requests")) >= BURST
    await eventually(ingested, timeout=60)
    routine = set(phones[:BURST])
    behind = BURST - len([m for m in twilio.messages if m.to in routine])
    env = b.reminder(f"lane-{BURST}", clinic, [session_id], urgent=True)
    urgent, due = encode(env), env.data.due_at
    started = time.monotonic()
    await producer.send_and_wait(urgent.topic, urgent.value, key=urgent.key, headers=urgent.headers)
    await eventually(lambda: twilio.to(phones[BURST]), timeout=5.0)
    took = time.monotonic() - started
    stages = await svc.deps.pool.fetchrow(
        "SELECT extract(epoch FROM r.received_at - $2::timestamptz) AS received, "
        "extract(epoch FROM l.claimed_at - $2::timestamptz) AS claimed, "
        "extract(epoch FROM l.call_started_at - $2::timestamptz) AS started FROM requests r "
        "JOIN ledger l ON l.request_id = r.id WHERE r.recipient_id = $1", f"lane-{BURST}", due)
    assert took < 2.0, dict(stages or {})
    assert behind > 1000, "the burst was nearly over: nothing was overtaken"
