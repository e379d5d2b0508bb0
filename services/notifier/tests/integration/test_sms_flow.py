"""Reminder to SMS to status callback to delivered event, over real Kafka, PostgreSQL and the Twilio fake."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.clock import ShiftableClock
from iop_devkit.notifier.runner import run_notifier
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.testing.kafka import TopicTail, eventually, of, publish
from iop_notifier.settings import Settings
from iop_shared.contracts.cloudevents import Envelope
from iop_shared.contracts.topics import NOTIFICATIONS


@pytest.mark.integration
async def test_reminder_becomes_one_sms_and_delivery_is_applied_in_order(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    clinic, pid, sid, ph = b.uid("cl"), b.uid("pt"), b.uid("ses"), b.phone()
    rem = b.reminder(pid, clinic, [sid])
    async with TopicTail(kafka_bootstrap, NOTIFICATIONS.name) as tail, run_notifier(make_settings()) as svc:
        await publish(kafka_bootstrap, b.clinic(clinic, quiet=b.all_day()), b.patient(pid, clinic, phone_number=ph),
                      b.session(sid, clinic, [pid]), rem)
        sent = await tail.wait_for(of("iop.notification.sent.v1", source_event_id=rem.data.reminder_id))
        [msg] = twilio.to(ph)
        assert "Riverside Wellness" in msg.body and "Suite 210" in msg.body and " 1 " in msg.body
        assert b.SESSION_TITLE.lower() not in msg.body.lower() and "group" not in msg.body.lower()
        assert msg.status_callback == f"{svc.base_url}/twilio/status"
        assert sent[0].data.provider_message_id == msg.sid

        assert (await twilio.post_status(msg, "sent")).json() == {"result": "applied"}
        delivered = await twilio.post_status(msg, "delivered", token="tok-1")
        assert delivered.json() == {"result": "applied"}
        assert (await twilio.post_status(msg, "delivered", token="tok-1")).json() == {"result": "duplicate"}
        assert (await twilio.post_status(msg, "sent")).json() == {"result": "stale"}  # late sent never wins
        await tail.wait_for(of("iop.notification.delivered.v1", provider_message_id=msg.sid))
        state = await svc.deps.pool.fetchval("SELECT state FROM ledger WHERE provider_message_id = $1", msg.sid)
        assert state == "delivered"
        await tail.settle(0.5)
        assert len(tail.events(of("iop.notification.delivered.v1", provider_message_id=msg.sid))) == 1


@pytest.mark.integration
async def test_quiet_hours_defer_the_reminder_until_the_window_opens(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    clock = ShiftableClock()
    local_now = clock.now().astimezone(__import__("zoneinfo").ZoneInfo("America/New_York"))
    opens = (local_now + timedelta(hours=2)).time().replace(second=0, microsecond=0)
    closes = (local_now + timedelta(hours=5)).time().replace(second=0, microsecond=0)
    clinic, pid, sid, ph = b.uid("cl"), b.uid("pt"), b.uid("ses"), b.phone()
    rem = b.reminder(pid, clinic, [sid])
    async with TopicTail(kafka_bootstrap, NOTIFICATIONS.name) as tail, \
            run_notifier(make_settings(), clock) as svc:
        await publish(kafka_bootstrap, b.clinic(clinic, quiet=(opens, closes)),
                      b.patient(pid, clinic, phone_number=ph), b.session(sid, clinic, [pid]), rem)
        [deferred] = await tail.wait_for(of("iop.notification.suppressed.v1", source_event_id=rem.data.reminder_id))
        assert deferred.data.reason_code == "quiet_hours_deferred"
        assert twilio.to(ph) == []
        not_before = await svc.deps.pool.fetchval(
            "SELECT not_before FROM requests WHERE source_event_id = $1", rem.data.reminder_id)
        assert not_before.astimezone(local_now.tzinfo).time() == opens
        clock.advance(timedelta(hours=2, minutes=1))
        await tail.wait_for(of("iop.notification.sent.v1", source_event_id=rem.data.reminder_id))
        assert len(twilio.to(ph)) == 1


@pytest.mark.integration
async def test_429_and_5xx_storm_then_one_delivery_and_replay_never_resends(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings],
        database_url: str) -> None:
    clinic, pid, sid, ph = b.uid("cl"), b.uid("pt"), b.uid("ses"), b.phone()
    twilio.script(ph, 20429, 20429, 20503, 20429)
    rem = b.reminder(pid, clinic, [sid])
    settings = make_settings(provider_retry_attempts=6)
    async with TopicTail(kafka_bootstrap, NOTIFICATIONS.name) as tail:
        async with run_notifier(settings):
            await publish(kafka_bootstrap, b.clinic(clinic, quiet=b.all_day()),
                          b.patient(pid, clinic, phone_number=ph), b.session(sid, clinic, [pid]), rem, rem)
            await tail.wait_for(of("iop.notification.sent.v1", source_event_id=rem.data.reminder_id))
        assert len(twilio.to(ph)) == 1
        # A restart in a new consumer group replays every topic from offset 0: the ledger sends nothing again.
        replay = settings.model_copy(update={"group_id": settings.group_id + "-replay"})
        async with run_notifier(replay):
            # A sentinel behind the replayed events on the same partition (same key), already expired.
            sentinel = b.reminder(pid, clinic, [sid])
            sentinel = Envelope(sentinel.data.model_copy(update={"expires_at": datetime.now(UTC)}), source="iop/test")
            await publish(kafka_bootstrap, rem, sentinel)
            await tail.wait_for(of("iop.notification.suppressed.v1", source_event_id=sentinel.data.reminder_id))
        assert len(twilio.to(ph)) == 1
        assert len(tail.events(of("iop.notification.sent.v1", source_event_id=rem.data.reminder_id))) == 1
        assert twilio.requests == 5


@pytest.mark.integration
async def test_cancelled_session_reminder_is_suppressed_not_sent(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    from iop_shared.contracts.inbound import SessionCancelled

    clinic, pid, sid, ph = b.uid("cl"), b.uid("pt"), b.uid("ses"), b.phone()
    rem = b.reminder(pid, clinic, [sid])
    cancel = Envelope(SessionCancelled(session_id=sid, revision=2), source=f"/clinics/{clinic}/test")
    async with TopicTail(kafka_bootstrap, NOTIFICATIONS.name) as tail, run_notifier(make_settings()) as svc:
        await publish(kafka_bootstrap, b.clinic(clinic, quiet=b.all_day()), b.patient(pid, clinic, phone_number=ph),
                      b.session(sid, clinic, [pid]), cancel)

        async def cancelled() -> bool:
            return bool(await svc.deps.pool.fetchval("SELECT cancelled FROM sessions WHERE session_id = $1", sid))
        await eventually(cancelled)
        await publish(kafka_bootstrap, rem)
        [ev] = await tail.wait_for(of("iop.notification.suppressed.v1", source_event_id=rem.data.reminder_id))
        assert ev.data.reason_code == "expired"
        assert twilio.to(ph) == []
    _ = time
