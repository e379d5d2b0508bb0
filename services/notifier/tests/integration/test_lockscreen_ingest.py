"""Clinic text with a clinical word, arriving over Kafka, goes to the dead-letter topic with a reason naming the
field (never the text), and never reaches a patient's SMS; the corrected clinic then works as usual."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from aiokafka import AIOKafkaProducer

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.runner import run_notifier
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.testing.kafka import TopicTail, publish
from iop_notifier.settings import Settings
from iop_shared.contracts import Contract, Envelope, encode
from iop_shared.contracts.outbound import DeadLetter
from iop_shared.contracts.topics import DEADLETTER, NOTIFICATIONS
from iop_shared.deadletter_crypto import cipher_from_environment, opened

pytestmark = pytest.mark.integration
CLINIC_NAME = "Addiction Psychiatry"
PLACE = "Salud Mental, Suite 3"


async def _publish_edited(bootstrap: str, env: Envelope[Contract], path: tuple[str, ...], text: str) -> None:
    """Publish an event as a clinic system would, with one field set to text the contract now refuses."""
    record = encode(env)
    data = json.loads(record.value)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = text
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(record.topic, json.dumps(data).encode(), key=record.key, headers=record.headers)
    finally:
        await producer.stop()


def _letter_of(key: str) -> Callable[[Envelope[Contract]], bool]:
    return lambda e: isinstance(e.data, DeadLetter) and e.data.key == key


async def test_clinical_clinic_name_and_place_are_dead_lettered_and_never_texted(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    clinic, pid, sid, ph = b.uid("cl"), b.uid("pt"), b.uid("ses"), b.phone()
    rem = b.reminder(pid, clinic, [sid])
    async with TopicTail(kafka_bootstrap, DEADLETTER.name, NOTIFICATIONS.name) as tail, \
            run_notifier(make_settings()):
        await _publish_edited(kafka_bootstrap, b.clinic(clinic, quiet=b.all_day()), ("public_name",), CLINIC_NAME)
        await _publish_edited(kafka_bootstrap, b.session(sid, clinic, [pid]), ("location", "public_label"), PLACE)
        [clinic_letter] = await tail.wait_for(_letter_of(clinic))
        [session_letter] = await tail.wait_for(_letter_of(sid))
        # The corrected clinic and session (next revisions) go through on the same partitions.
        await publish(kafka_bootstrap, b.clinic(clinic, quiet=b.all_day(), revision=2),
                      b.patient(pid, clinic, phone_number=ph), b.session(sid, clinic, [pid], revision=2), rem)
        await tail.wait_for(lambda e: e.type == "iop.notification.sent.v1"
                            and getattr(e.data, "source_event_id", None) == rem.data.reminder_id)
    for letter, field, text in ((clinic_letter, "public_name", CLINIC_NAME),
                                (session_letter, "location.public_label", PLACE)):
        assert isinstance(letter.data, DeadLetter)
        assert field in letter.data.error and "clinical word" in letter.data.error
        assert text not in letter.data.error and "Mental" not in letter.data.error
        assert letter.data.value_encrypted and text not in letter.data.value_b64  # sealed: it may hold contact data
        assert text in opened(letter.data, cipher_from_environment())[0].decode()  # kept for replay after a fix
    [sms] = twilio.to(ph)
    assert "Riverside Wellness" in sms.body and "Suite 210" in sms.body
    assert "addiction" not in sms.body.lower() and "mental" not in sms.body.lower()
