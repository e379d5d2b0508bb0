"""Done-when of issue 15, the notifier as its own process over the Twilio fake: a PHQ-2 -> PHQ-9 by SMS with a
crisis text mid-way, a SIGKILL and restart mid-conversation (resumed, nothing asked or counted twice, a
redelivered webhook ignored), and a PHQ-9 item 9 answer paged to the on-call member within 5 s."""

from __future__ import annotations

import asyncio
import re
import secrets
import signal
import time
from pathlib import Path

import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.twilio_fake import TwilioFake, free_port
from iop_devkit.testing.kafka import TopicTail, eventually, publish
from iop_devkit.testing.ready import until_ready
from iop_shared.contracts.outbound import CheckinKind, ReminderPurpose
from iop_shared.contracts.topics import CHECKINS

from .test_crash_mid_batch import _env, _start

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]
ITEM = re.compile(r"\b(\d)/(\d)\b")


async def _ready(base: str) -> None:
    await until_ready(base)


def _items(twilio: TwilioFake, ph: str) -> list[str]:
    return [f"{m.group(1)}/{m.group(2)}" for m in (ITEM.search(x.body) for x in twilio.to(ph)) if m]


def _params(twilio: TwilioFake, ph: str, body: str, sid: str) -> dict[str, str]:
    return {"MessageSid": sid, "SmsMessageSid": sid, "AccountSid": twilio.account_sid, "From": ph,
            "To": "+15550000000", "Body": body, "NumMedia": "0", "ApiVersion": "2010-04-01"}


async def test_phq2_phq9_by_sms_with_crisis_sigkill_resume_and_item9_paged_within_5s(
        topics: str, kafka_bootstrap: str, database_url: str, pg_schema: str, group_id: str,
        tmp_path: Path) -> None:
    async with TwilioFake() as twilio, TopicTail(kafka_bootstrap, CHECKINS.name) as tail:
        port = free_port()
        env = _env(topics, kafka_bootstrap, database_url, pg_schema, group_id, twilio, port)
        base, inbound = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port}/twilio/inbound"
        clinic, team, pid, ph, oncall = b.uid("cl"), b.uid("team"), b.uid("pt"), b.phone(), b.phone()
        await publish(kafka_bootstrap, b.clinic(clinic, quiet=b.all_day()),
                      b.care_team(team, clinic, [("m-on", True, oncall, None)]),
                      b.patient(pid, clinic, phone_number=ph, care_team_id=team, detailed=True))
        first = await _start(env, tmp_path / "first.log")
        await _ready(base)
        await asyncio.sleep(2.0)  # the read models applied before the prompt arrives
        await publish(kafka_bootstrap, b.reminder(pid, clinic, [], purpose=ReminderPurpose.checkin_prompt,
                                                  checkin_kind=CheckinKind.phq2))
        await eventually(lambda: any("check-in is ready" in m.body for m in twilio.to(ph)), timeout=30)

        async def say(body: str, items: int) -> None:
            await twilio.post_inbound(inbound, from_=ph, body=body)
            await eventually(lambda: len(_items(twilio, ph)) >= items, timeout=10)

        await say("GO", 1)
        await say("3", 2)
        await say("1", 3)  # PHQ-2 = 4: on to the PHQ-9, at its third item
        await twilio.post_inbound(inbound, from_=ph, body="honestly i want to kill myself")
        await eventually(lambda: twilio.to(oncall), timeout=5)
        await say("2", 4)  # the conversation resumes after the crisis text

        first.send_signal(signal.SIGKILL)
        await first.wait()
        second = await _start(env, tmp_path / "second.log")
        try:
            await _ready(base)
            sid = "SM" + secrets.token_hex(16)
            for _ in range(2):  # Twilio redelivers: the same MessageSid twice counts once
                await twilio.post_signed(inbound, _params(twilio, ph, "1", sid), secrets.token_hex(16))
            await eventually(lambda: len(_items(twilio, ph)) >= 5, timeout=10)
            for n, answer in enumerate(["0", "1", "0", "0"], start=6):  # items 5 to 8
                await say(answer, n)
            assert _items(twilio, ph) == ["1/2", "2/2", "3/9", "4/9", "5/9", "6/9", "7/9", "8/9", "9/9"]  # none twice

            pages = len(twilio.to(oncall))
            started = time.monotonic()
            await twilio.post_inbound(inbound, from_=ph, body="1")  # item 9
            await eventually(lambda: len(twilio.to(oncall)) > pages, timeout=5, interval=0.02)
            elapsed = time.monotonic() - started
            print(f"\nPHQ-9 item 9 answer -> on-call page: {elapsed:.3f} s")
            assert elapsed < 5.0
            await eventually(lambda: any("988" in m.body for m in twilio.to(ph)[-2:]), timeout=5)

            [phq9] = await tail.wait_for(lambda e: e.type == "iop.assessment.completed.v1"
                                         and e.data.patient_id == pid and e.data.instrument == "phq9")
            assert (phq9.data.total, phq9.data.band, phq9.data.item9_positive) == (9, "mild", True)
            answers = await tail.wait_for(lambda e: e.type == "iop.checkin.received.v1"
                                          and e.data.patient_id == pid and e.data.intent == "assessment_item",
                                          count=9)
            await tail.settle(1.0)
            assert len(tail.events(lambda e: e.type == "iop.checkin.received.v1" and e.data.patient_id == pid
                                   and e.data.intent == "assessment_item")) == len(answers) == 9
        finally:
            second.send_signal(signal.SIGTERM)
            await second.wait()
        logs = (tmp_path / "first.log").read_bytes() + (tmp_path / "second.log").read_bytes()
        assert ph.encode() not in logs and b"kill myself" not in logs  # no phone, no text in the logs
