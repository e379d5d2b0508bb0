"""Telehealth, scheduler and notifier as processes: the booking's reminder carries the session's join link (SMS in
one segment, the email as a button), and a link with a clinical word in it never reaches the services' models."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.message import Message
from pathlib import Path

import httpx
import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.smtp import SmtpCapture
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.scheduler import session
from iop_devkit.testing.kafka import eventually, publish
from iop_devkit.testing.service_processes import TOKEN, run_services
from iop_shared.contracts import Envelope
from iop_shared.contracts.inbound import Telehealth

pytestmark = pytest.mark.e2e
LINK = "https://meet.example.com/r/7f3c-91d2"


def notifier_env(twilio: TwilioFake, smtp: SmtpCapture) -> dict[str, str]:
    return {"NOTIFIER_TWILIO_ACCOUNT_SID": twilio.account_sid, "NOTIFIER_TWILIO_AUTH_TOKEN": twilio.auth_token,
            "NOTIFIER_TWILIO_MESSAGING_SERVICE_SID": "MG" + "1" * 32, "NOTIFIER_TWILIO_API_BASE_URL": twilio.base_url,
            "NOTIFIER_SMS_RATE_PER_SECOND": "0", "NOTIFIER_SMTP_HOST": "127.0.0.1",
            "NOTIFIER_SMTP_PORT": str(smtp.port), "NOTIFIER_DISPATCH_POLL_S": "0.2", "NOTIFIER_TIMER_INTERVAL_S": "0.5"}


def _parts(message: Message) -> tuple[str, str]:
    bodies = {part.get_content_type(): str(part.get_payload(decode=True).decode())  # type: ignore[union-attr]
              for part in message.walk() if not part.is_multipart()}
    return bodies.get("text/html", ""), bodies.get("text/plain", "")


async def test_a_telehealth_reminder_carries_its_join_link_and_a_clinical_link_is_refused(
        kafka_bootstrap: str, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pid, mailed, sid = b.uid("pt"), b.uid("pt"), b.uid("ses")
    ph, address = b.phone(), f"{b.uid('p')}@example.org"
    with SmtpCapture() as smtp:
        async with TwilioFake() as twilio, run_services(kafka_bootstrap, database_url, ["scheduler", "notifier"],
                                                        tmp_path, extra_env=notifier_env(twilio, smtp)) as (topics,
                                                                                                            urls):
            monkeypatch.setenv("IOP_TOPIC_PREFIX", topics)
            starts = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=5)
            booked = session(sid, starts, [pid, mailed])
            virtual = Envelope(booked.data.model_copy(update={"location": None, "telehealth": Telehealth.model_validate(
                {"join_url": LINK})}), source=booked.source)
            await publish(kafka_bootstrap, b.clinic("clinic-a", quiet=b.all_day()),
                          b.patient(pid, "clinic-a", phone_number=ph, channels=("sms",)),
                          b.patient(mailed, "clinic-a", email=address, channels=("email",)), virtual)
            await eventually(lambda: twilio.to(ph) and smtp.to(address), timeout=40)
            [sms] = twilio.to(ph)
            assert LINK in sms.body and len(sms.body) <= 160, sms.body
            [mail] = smtp.to(address)
            html, text = _parts(mail.message)
            assert f'href="{LINK}"' in html and LINK in text

            # The same session over HTTP with a link naming the program: 422 naming the field, never the link.
            bad = {**json.loads(virtual.data.model_dump_json()), "telehealth": {
                "join_url": "https://harbor-rehab.example/room/1"}, "revision": 2}
            async with httpx.AsyncClient(base_url=urls["scheduler"],
                                         headers={"Authorization": f"Bearer {TOKEN}"}) as http:
                answer = await http.post("/v1/sessions", json=bad)
            assert answer.status_code == 422
            assert "telehealth" in json.dumps(answer.json()) and "rehab" not in answer.text
