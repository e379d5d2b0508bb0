"""Ambiguous provider errors are reconciled with the provider, never retried blind; early callbacks are kept."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.runner import Running, run_notifier
from iop_devkit.notifier.smtp import SmtpCapture
from iop_devkit.notifier.twilio_fake import (
    ACCEPT_QUEUED_THEN_TIMEOUT,
    ACCEPT_THEN_500,
    ACCEPT_THEN_DROP,
    ACCEPT_THEN_TIMEOUT,
    FakeMessage,
    TwilioFake,
)
from iop_devkit.testing.kafka import TopicTail, eventually, of, publish
from iop_notifier.settings import Settings
from iop_shared.contracts.topics import NOTIFICATIONS

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]
SENT, FAILED, DELIVERED = "iop.notification.sent.v1", "iop.notification.failed.v1", "iop.notification.delivered.v1"


async def _reminder_to(kafka: str, ph: str) -> str:
    clinic, pid, sid = b.uid("cl"), b.uid("pt"), b.uid("ses")
    rem = b.reminder(pid, clinic, [sid])
    await publish(kafka, b.clinic(clinic, quiet=b.all_day()), b.patient(pid, clinic, phone_number=ph),
                  b.session(sid, clinic, [pid]), rem)
    return rem.data.reminder_id


async def _first_message(twilio: TwilioFake, ph: str) -> FakeMessage:
    await eventually(lambda: bool(twilio.to(ph)), timeout=30, interval=0.02)
    return twilio.to(ph)[0]


@pytest.mark.parametrize("fault", [ACCEPT_THEN_TIMEOUT, ACCEPT_THEN_500, ACCEPT_QUEUED_THEN_TIMEOUT, ACCEPT_THEN_DROP])
async def test_a_message_accepted_then_lost_in_answer_is_found_at_the_provider_not_sent_twice(
        fault: int, topics: str, kafka_bootstrap: str, twilio: TwilioFake,
        make_settings: Callable[..., Settings]) -> None:
    ph = b.phone()
    twilio.script(ph, fault)
    twilio.hang_s = 12  # longer than the wait below: only our own deadline gets the answer in time
    settings = make_settings(provider_timeout_s=1.0, provider_retry_attempts=5)
    async with TopicTail(kafka_bootstrap, NOTIFICATIONS.name) as tail, run_notifier(settings) as svc:
        reminder_id = await _reminder_to(kafka_bootstrap, ph)
        [sent] = await tail.wait_for(of(SENT, source_event_id=reminder_id), timeout=9)
        [msg] = twilio.to(ph)
        assert sent.data.provider_message_id == msg.sid
        assert twilio.requests == 1, "message create was retried after an answer that may have meant success"
        assert twilio.lists >= 1
        await tail.settle(1.0)
        assert tail.events(of(FAILED, source_event_id=reminder_id)) == []
        assert len(tail.events(of(SENT, source_event_id=reminder_id))) == 1
        state = await svc.deps.pool.fetchval("SELECT state FROM ledger WHERE provider_message_id = $1", msg.sid)
        assert state == "queued"


async def test_a_5xx_before_anything_was_created_is_sent_once_after_the_provider_proves_it(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    ph = b.phone()
    twilio.script(ph, 20500)
    async with TopicTail(kafka_bootstrap, NOTIFICATIONS.name) as tail, run_notifier(make_settings()):
        reminder_id = await _reminder_to(kafka_bootstrap, ph)
        await tail.wait_for(of(SENT, source_event_id=reminder_id), timeout=40)
        assert len(twilio.to(ph)) == 1 and twilio.requests == 2 and twilio.lists >= 1


async def _post_until_kept(twilio: TwilioFake, msg: FakeMessage, status: str, **kw: str) -> str:
    return str((await twilio.post_status(msg, status, **kw)).json()["result"])


async def test_callbacks_before_the_send_is_recorded_are_kept_and_applied_in_order(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    ph, stop_ph = b.phone(), b.phone()
    twilio.script(ph, ACCEPT_THEN_TIMEOUT)
    twilio.script(stop_ph, ACCEPT_THEN_TIMEOUT)
    twilio.hang_s = 4
    settings = make_settings(provider_timeout_s=1.5, reconcile_after_s=1.0)
    async with TopicTail(kafka_bootstrap, NOTIFICATIONS.name) as tail, run_notifier(settings) as svc:
        reminder_id = await _reminder_to(kafka_bootstrap, ph)
        stop_id = await _reminder_to(kafka_bootstrap, stop_ph)
        msg, stop_msg = await _first_message(twilio, ph), await _first_message(twilio, stop_ph)
        # Twilio calls back before our create call has even returned: nothing in the ledger has these sids yet.
        assert await _post_until_kept(twilio, msg, "delivered") == "pending"
        assert await _post_until_kept(twilio, msg, "sent") == "pending"  # late, must not undo delivered
        assert await _post_until_kept(twilio, stop_msg, "failed", error_code="21610") == "pending"
        await tail.wait_for(of(DELIVERED, provider_message_id=msg.sid), timeout=40)
        [failed] = await tail.wait_for(of(FAILED, provider_message_id=stop_msg.sid), timeout=40)
        assert failed.data.reason_code == "opted_out"
        await tail.wait_for(of(SENT, source_event_id=reminder_id))
        await tail.wait_for(of(SENT, source_event_id=stop_id))
        assert await _state(svc, msg.sid) == "delivered"
        assert await _state(svc, stop_msg.sid) == "failed"
        assert await svc.deps.pool.fetchval("SELECT opted_out FROM phone_state WHERE phone = $1", stop_ph)
        assert await svc.deps.pool.fetchval("SELECT count(*) FROM pending_callbacks") == 0
        await asyncio.sleep(0.2)
        assert len(tail.events(of(DELIVERED, provider_message_id=msg.sid))) == 1


async def _state(svc: Running, sid: str) -> str:
    return str(await svc.deps.pool.fetchval("SELECT state FROM ledger WHERE provider_message_id = $1", sid))


async def test_an_smtp_timeout_after_data_is_reported_outcome_unknown_never_sent_twice(
        topics: str, kafka_bootstrap: str, smtp: SmtpCapture, make_settings: Callable[..., Settings]) -> None:
    smtp.hang_after_data(4.0)
    clinic, pid, sid, mail = b.uid("cl"), b.uid("pt"), b.uid("ses"), f"{b.uid('p')}@example.org"
    rem = b.reminder(pid, clinic, [sid])
    settings = make_settings(provider_timeout_s=1.0)
    async with TopicTail(kafka_bootstrap, NOTIFICATIONS.name) as tail, run_notifier(settings) as svc:
        await publish(kafka_bootstrap, b.clinic(clinic, quiet=b.all_day()),
                      b.patient(pid, clinic, email=mail, channels=("email",)), b.session(sid, clinic, [pid]), rem)
        [failed] = await tail.wait_for(of(FAILED, source_event_id=rem.data.reminder_id), timeout=30)
        assert failed.data.error_code == "outcome_unknown"
        assert len(smtp.to(mail)) == 1, "DATA was sent again after a timeout that may have meant success"
        code = await svc.deps.pool.fetchval("SELECT error_code FROM ledger WHERE source_event_id = $1",
                                            rem.data.reminder_id)
        assert code == "outcome_unknown:smtp_no_lookup"
        await tail.settle(1.0)
        assert tail.events(of(SENT, source_event_id=rem.data.reminder_id)) == []
