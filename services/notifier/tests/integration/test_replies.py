"""Inbound replies over the Twilio webhook: STOP/START, crisis answers, forged signatures."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.runner import Running, run_notifier
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.testing.kafka import TopicTail, eventually, of, publish
from iop_notifier.settings import Settings
from iop_shared.contracts.topics import CHECKINS, NOTIFICATIONS


async def _known_patient(svc: Running, kafka: str, clinic: str, pid: str, phone: str, **quiet: object) -> None:
    await publish(kafka, b.clinic(clinic, **quiet), b.patient(pid, clinic, phone_number=phone))  # type: ignore[arg-type]

    async def known() -> bool:
        return bool(await svc.deps.pool.fetchval("SELECT count(*) FROM patients WHERE patient_id = $1", pid))
    await eventually(known)


@pytest.mark.integration
async def test_stop_opts_out_at_once_and_start_restores(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    clinic, pid, sid, ph = b.uid("cl"), b.uid("pt"), b.uid("ses"), b.phone()
    async with TopicTail(kafka_bootstrap, NOTIFICATIONS.name, CHECKINS.name) as tail, \
            run_notifier(make_settings()) as svc:
        await _known_patient(svc, kafka_bootstrap, clinic, pid, ph, quiet=b.all_day())
        await publish(kafka_bootstrap, b.session(sid, clinic, [pid]))
        inbound = f"{svc.base_url}/twilio/inbound"

        first = b.reminder(pid, clinic, [sid], urgent=True)  # urgent: caps are not what this test is about
        await publish(kafka_bootstrap, first)
        await tail.wait_for(of("iop.notification.sent.v1", source_event_id=first.data.reminder_id))

        response = await twilio.post_inbound(inbound, from_=ph, body=" stop ")
        assert response.status_code == 200 and "<Response>" in response.text
        [checkin] = await tail.wait_for(of("iop.checkin.received.v1", patient_id=pid, intent="opt_out"))
        assert "stop" not in checkin.data.model_dump_json().lower()  # never the raw text
        await eventually(lambda: any("no more texts" in m.body for m in twilio.to(ph)))

        blocked = b.reminder(pid, clinic, [sid], urgent=True)
        await publish(kafka_bootstrap, blocked)
        [sup] = await tail.wait_for(of("iop.notification.suppressed.v1", source_event_id=blocked.data.reminder_id))
        assert sup.data.reason_code == "opted_out"

        await twilio.post_inbound(inbound, from_=ph, body="START")
        await tail.wait_for(of("iop.checkin.received.v1", patient_id=pid, intent="opt_in"))
        await eventually(lambda: any("resumed" in m.body for m in twilio.to(ph)))
        again = b.reminder(pid, clinic, [sid], urgent=True)
        await publish(kafka_bootstrap, again)
        await tail.wait_for(of("iop.notification.sent.v1", source_event_id=again.data.reminder_id))
        reminders = [m for m in twilio.to(ph) if "Reply 1 to confirm" in m.body]
        assert len(reminders) == 2  # the first and the one after START; none while opted out


@pytest.mark.integration
async def test_crisis_text_gets_988_answer_and_checkin_within_two_seconds_even_in_quiet_hours(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    clinic, pid, ph = b.uid("cl"), b.uid("pt"), b.phone()
    async with TopicTail(kafka_bootstrap, CHECKINS.name) as tail, run_notifier(make_settings()) as svc:
        never = b.always_quiet()
        await _known_patient(svc, kafka_bootstrap, clinic, pid, ph, quiet=never)
        started = time.monotonic()
        response = await twilio.post_inbound(f"{svc.base_url}/twilio/inbound", from_=ph,
                                             body="i cant do this anymore, i have my pills ready")
        assert response.status_code == 200
        [answer] = twilio.to(ph)  # answered before the webhook returned
        assert "988" in answer.body and "911" in answer.body and "(555) 123-4567" in answer.body
        [checkin] = await tail.wait_for(of("iop.checkin.received.v1", patient_id=pid, intent="crisis"), timeout=2)
        assert time.monotonic() - started < 2.0
        assert checkin.data.value is None
        raw = await svc.deps.pool.fetchval("SELECT body FROM inbound_messages WHERE patient_id = $1", pid)
        assert "pills" in raw  # the raw text stays in the notifier's database only


@pytest.mark.integration
async def test_forged_or_missing_signature_is_refused_and_records_nothing(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    clinic, pid, ph = b.uid("cl"), b.uid("pt"), b.phone()
    async with TopicTail(kafka_bootstrap, CHECKINS.name) as tail, run_notifier(make_settings()) as svc:
        await _known_patient(svc, kafka_bootstrap, clinic, pid, ph, quiet=b.all_day())
        url = f"{svc.base_url}/twilio/inbound"
        forged = await twilio.post_inbound(url, from_=ph, body="STOP", signature="bm90IGEgc2lnbmF0dXJl")
        missing = await twilio.post_inbound(url, from_=ph, body="STOP", signature="")
        assert forged.status_code == 403 and missing.status_code == 403
        status = await twilio._post(f"{svc.base_url}/twilio/status", {"MessageSid": "SMx", "MessageStatus": "failed"},
                                    "tok", signature="forged")
        assert status.status_code == 403
        await tail.settle(1.0)
        assert tail.events() == []
        assert await svc.deps.pool.fetchval("SELECT count(*) FROM inbound_messages") == 0
        assert await svc.deps.pool.fetchval("SELECT count(*) FROM phone_state") == 0
