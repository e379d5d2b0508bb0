"""Provider faults with fallback to email (21211, 21610), care-team paging and escalation, dead letters, embedded."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.runner import run_notifier
from iop_devkit.notifier.smtp import SmtpCapture
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.testing.kafka import TopicTail, eventually, of, publish
from iop_notifier.settings import Settings
from iop_shared.contracts.cloudevents import Envelope
from iop_shared.contracts.common import Contract
from iop_shared.contracts.outbound import RiskAcknowledged
from iop_shared.contracts.topics import CHECKINS, DEADLETTER, NOTIFICATIONS, REMINDERS


@dataclass
class _Failed:
    """A reminder whose SMS the provider refused with one error code, to a patient who also has an email."""

    phone: str
    mail: str
    reminder_id: str
    failed: Envelope[Contract]
    tail: TopicTail
    svc: Any


@asynccontextmanager
async def _sms_refused(kafka_bootstrap: str, twilio: TwilioFake, settings: Settings,
                       code: int) -> AsyncIterator[_Failed]:
    clinic, pid, sid, ph, mail = b.uid("cl"), b.uid("pt"), b.uid("ses"), b.phone(), f"{b.uid('p')}@example.org"
    twilio.script(ph, code)
    rem = b.reminder(pid, clinic, [sid])
    async with TopicTail(kafka_bootstrap, NOTIFICATIONS.name) as tail, run_notifier(settings) as svc:
        await publish(kafka_bootstrap, b.clinic(clinic, quiet=b.all_day()),
                      b.patient(pid, clinic, phone_number=ph, email=mail), b.session(sid, clinic, [pid]), rem)
        [failed] = await tail.wait_for(of("iop.notification.failed.v1", source_event_id=rem.data.reminder_id))
        yield _Failed(ph, mail, rem.data.reminder_id, failed, tail, svc)


@pytest.mark.integration
async def test_invalid_number_21211_marks_it_and_falls_back_to_email(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, smtp: SmtpCapture,
        make_settings: Callable[..., Settings]) -> None:
    async with _sms_refused(kafka_bootstrap, twilio, make_settings(), 21211) as f:
        ph, mail, svc = f.phone, f.mail, f.svc
        assert f.failed.data.reason_code == "invalid_address" and f.failed.data.error_code == "21211"
        [sent] = await f.tail.wait_for(of("iop.notification.sent.v1", source_event_id=f.reminder_id))
        assert sent.data.channel == "email" and sent.data.reason_code == "fallback_used"
        [received] = smtp.to(mail)
        assert received.message.is_multipart()
        types = sorted(part.get_content_type() for part in received.message.walk() if not part.is_multipart())
        assert types == ["text/html", "text/plain"]
        assert "Riverside Wellness" in received.message["Subject"]
        assert twilio.to(ph) == []
        assert await svc.deps.pool.fetchval("SELECT invalid FROM phone_state WHERE phone = $1", ph)


@pytest.mark.integration
async def test_unsubscribed_21610_records_the_opt_out_and_uses_email(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, smtp: SmtpCapture,
        make_settings: Callable[..., Settings]) -> None:
    async with _sms_refused(kafka_bootstrap, twilio, make_settings(), 21610) as f:
        assert f.failed.data.reason_code == "opted_out" and f.failed.data.error_code == "21610"
        await f.tail.wait_for(of("iop.notification.sent.v1", source_event_id=f.reminder_id, channel="email"))
        assert len(smtp.to(f.mail)) == 1
        assert await f.svc.deps.pool.fetchval("SELECT opted_out FROM phone_state WHERE phone = $1", f.phone)


@pytest.mark.integration
async def test_critical_flag_pages_on_call_by_sms_and_email_then_escalates_until_acknowledged(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, smtp: SmtpCapture,
        make_settings: Callable[..., Settings]) -> None:
    clinic, pid, team = b.uid("cl"), b.uid("pt"), b.uid("team")
    oncall, backup, third = (b.phone(), "oncall@example.org"), (b.phone(), "backup@example.org"), (b.phone(), None)
    flag = b.risk_flag(pid, team)
    async with TopicTail(kafka_bootstrap, NOTIFICATIONS.name) as tail, \
            run_notifier(make_settings(escalate_after_s=3)) as svc:
        await publish(kafka_bootstrap, b.clinic(clinic), b.care_team(team, clinic, [
            ("m-backup", False, *backup), ("m-oncall", True, *oncall), ("m-third", False, third[0], "t@example.org")]))
        # The team travels on another topic than the flag: known first, as in a clinic (a flag for a team not yet
        # known pages the fallback roster, then the team: test_paging.py covers that order).
        await eventually(lambda: svc.deps.pool.fetchval("SELECT true FROM care_teams WHERE care_team_id = $1", team))
        await publish(kafka_bootstrap, flag)
        await tail.wait_for(of("iop.notification.sent.v1", recipient_id="m-oncall"), count=2)
        [page] = twilio.to(oncall[0])
        assert flag.data.flag_id in page.body and "crisis_text" in page.body
        assert len(smtp.to("oncall@example.org")) == 1
        await tail.wait_for(of("iop.notification.sent.v1", recipient_id="m-backup"), count=2, timeout=15)
        ack = RiskAcknowledged(flag_id=flag.data.flag_id, patient_id=pid, by="m-backup",
                               acknowledged_at=datetime.now(UTC))
        await publish(kafka_bootstrap, Envelope(ack, source="iop/attendance"))
        await tail.settle(4.5)  # past the next escalation time: nobody else is paged after the acknowledgement
        assert twilio.to(third[0]) == []
        assert len(twilio.to(oncall[0])) == 1 and len(twilio.to(backup[0])) == 1


@pytest.mark.integration
async def test_an_event_that_breaks_the_contract_goes_to_dead_letters(
        topics: str, kafka_bootstrap: str, make_settings: Callable[..., Settings]) -> None:
    from aiokafka import AIOKafkaProducer

    async with TopicTail(kafka_bootstrap, DEADLETTER.name) as tail, run_notifier(make_settings()):
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
        await producer.start()
        try:
            await producer.send_and_wait(REMINDERS.name, b'{"reminder_id": 5}', key=b"pt-bad", headers=[
                ("ce_specversion", b"1.0"), ("ce_id", b"bad-1"), ("ce_type", b"iop.reminder.due.v1"),
                ("ce_source", b"iop/test"), ("ce_time", b"2026-01-01T00:00:00Z")])
        finally:
            await producer.stop()
        [letter] = await tail.wait_for(lambda e: e.type == "iop.deadletter.v1" and e.data.key == "pt-bad")
        assert letter.data.service == "notifier" and "reminder" in letter.data.error


@pytest.mark.integration
async def test_embedded_channel_records_messages_and_takes_replies_without_twilio(
        topics: str, kafka_bootstrap: str, make_settings: Callable[..., Settings]) -> None:
    clinic, pid, sid, ph = b.uid("cl"), b.uid("pt"), b.uid("ses"), b.phone()
    rem = b.reminder(pid, clinic, [sid])
    settings = make_settings(twilio_account_sid=None, twilio_auth_token=None, smtp_host=None)
    async with TopicTail(kafka_bootstrap, NOTIFICATIONS.name, CHECKINS.name) as tail, \
            run_notifier(settings) as svc, httpx.AsyncClient(base_url=svc.base_url) as http:
        await publish(kafka_bootstrap, b.clinic(clinic, quiet=b.all_day()), b.patient(pid, clinic, phone_number=ph),
                      b.session(sid, clinic, [pid]), rem)
        [sent] = await tail.wait_for(of("iop.notification.sent.v1", source_event_id=rem.data.reminder_id))
        assert sent.data.channel == "embedded"
        refused = await http.get("/embedded/messages", params={"recipient_id": pid})
        assert refused.status_code == 401
        shown = (await http.get("/embedded/messages", params={"recipient_id": pid},
                                headers={"Authorization": "Bearer test-embedded-token-123"})).json()
        assert "not sent to a phone" in shown["delivery"]
        assert "Riverside Wellness" in shown["messages"][0]["body"]
        unauthorized = await http.post("/embedded/inbound", json={"patient_id": pid, "text": "1"})
        assert unauthorized.status_code == 401
        headers = {"Authorization": "Bearer test-embedded-token-123"}
        bad = await http.post("/embedded/inbound", json={"text": "1"}, headers=headers)
        assert bad.status_code == 422 and "patient_id" in bad.text
        ok = await http.post("/embedded/inbound", json={"patient_id": pid, "text": "1"}, headers=headers)
        assert ok.json() == {"intent": "confirm", "value": None}
        [checkin] = await tail.wait_for(of("iop.checkin.received.v1", patient_id=pid, intent="confirm"))
        assert checkin.data.session_ids == [sid]
        assert (await http.get("/readyz")).json()["ready"] is True
        assert "notifier_sent_total" in (await http.get("/metrics")).text
