"""Questionnaire check-ins over the Twilio webhook: consent, GO, one item at a time, crisis, STOP, item 9."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable

import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.runner import Running, run_notifier
from iop_devkit.notifier.scenario import known
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.testing.kafka import TopicTail, eventually, of, publish
from iop_notifier.settings import Settings
from iop_shared.contracts.outbound import CheckinKind, ReminderPurpose
from iop_shared.contracts.topics import CHECKINS

pytestmark = pytest.mark.integration
ITEM = re.compile(r"\b(\d)/(\d)\b")


async def _setup(svc: Running, kafka: str, *, detailed: bool = True) -> tuple[str, str, str]:
    clinic, team, pid, ph, oncall = b.uid("cl"), b.uid("team"), b.uid("pt"), b.phone(), b.phone()
    await known(svc, kafka, b.clinic(clinic, quiet=b.all_day()),
                b.care_team(team, clinic, [("m-on", True, oncall, None)]),
                b.patient(pid, clinic, phone_number=ph, care_team_id=team, detailed=detailed),
                patients=(pid,), teams=(team,), clinics=(clinic,))
    await publish(kafka, b.reminder(pid, clinic, [], purpose=ReminderPurpose.checkin_prompt,
                                    checkin_kind=CheckinKind.phq2))
    return pid, ph, oncall


def _items(twilio: TwilioFake, ph: str) -> list[tuple[str, str]]:
    return [m.groups() for m in (ITEM.search(x.body) for x in twilio.to(ph)) if m]


async def _say(svc: Running, twilio: TwilioFake, ph: str, body: str, expect_items: int) -> None:
    await twilio.post_inbound(f"{svc.base_url}/twilio/inbound", from_=ph, body=body)
    await eventually(lambda: len(_items(twilio, ph)) >= expect_items, timeout=5)


async def test_phq2_to_phq9_with_a_crisis_mid_way_and_item9_paged_within_five_seconds(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    async with TopicTail(kafka_bootstrap, CHECKINS.name) as tail, run_notifier(make_settings()) as svc:
        pid, ph, oncall = await _setup(svc, kafka_bootstrap)
        await eventually(lambda: any("your check-in is ready" in m.body for m in twilio.to(ph)), timeout=10)
        [opener] = twilio.to(ph)
        assert opener.body.endswith("Reply GO to start, or STOP to stop texts") and not ITEM.search(opener.body)

        await _say(svc, twilio, ph, "GO", 1)
        assert twilio.to(ph)[-1].body.startswith("Over the last 2 weeks") and "1/2" in twilio.to(ph)[-1].body
        await _say(svc, twilio, ph, "3", 2)
        await _say(svc, twilio, ph, "2", 3)  # PHQ-2 = 5 >= 3: on to the PHQ-9 at its third item
        assert _items(twilio, ph)[-1] == ("3", "9")

        before = len(twilio.to(ph))
        await twilio.post_inbound(f"{svc.base_url}/twilio/inbound", from_=ph, body="I want to kill myself")
        await eventually(lambda: twilio.to(oncall), timeout=5)  # the crisis path, at once
        assert "988" in twilio.to(ph)[before].body and len(_items(twilio, ph)) == 3  # no question re-sent

        for n, answer in enumerate(["1", "1", "1", "1", "1"], start=4):  # items 3..7 answered after the crisis
            await _say(svc, twilio, ph, answer, n)
        await _say(svc, twilio, ph, "0", 9)
        pages_before = len(twilio.to(oncall))
        started = time.monotonic()
        await twilio.post_inbound(f"{svc.base_url}/twilio/inbound", from_=ph, body="2")  # item 9
        await eventually(lambda: len(twilio.to(oncall)) > pages_before, timeout=5)
        elapsed = time.monotonic() - started
        print(f"item 9 answer to on-call page: {elapsed:.3f} s")
        assert elapsed < 5.0
        assert any("988" in m.body and "911" in m.body for m in twilio.to(ph)[-3:])

        done = await tail.wait_for(of("iop.assessment.completed.v1", patient_id=pid, instrument="phq9"))
        assert (done[0].data.total, done[0].data.band, done[0].data.item9_positive) == (12, "moderate", True)
        [phq2] = await tail.wait_for(of("iop.assessment.completed.v1", patient_id=pid, instrument="phq2"))
        assert phq2.data.total == 5
        answers = await tail.wait_for(lambda e: e.type == "iop.checkin.received.v1" and e.data.patient_id == pid
                                      and e.data.intent == "assessment_item", count=9)
        assert [(a.data.instrument, a.data.item) for a in answers][-1] == ("phq9", 9)
        assert [i for i, _ in _items(twilio, ph)] == ["1", "2", "3", "4", "5", "6", "7", "8", "9"]


async def test_without_consent_only_the_neutral_prompt_and_go_starts_nothing(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    async with run_notifier(make_settings()) as svc:
        _, ph, _ = await _setup(svc, kafka_bootstrap, detailed=False)
        await eventually(lambda: twilio.to(ph), timeout=10)
        assert "From 0 (low) to 10 (great)" in twilio.to(ph)[0].body
        await twilio.post_inbound(f"{svc.base_url}/twilio/inbound", from_=ph, body="GO")
        await asyncio.sleep(2.0)  # a question, had one been queued, goes out well within this
        assert _items(twilio, ph) == [] and len(twilio.to(ph)) <= 2


async def test_stop_mid_way_closes_the_conversation_and_out_of_range_is_reasked_once(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    async with TopicTail(kafka_bootstrap, CHECKINS.name) as tail, run_notifier(make_settings()) as svc:
        pid, ph, _ = await _setup(svc, kafka_bootstrap)
        await eventually(lambda: twilio.to(ph), timeout=10)
        await _say(svc, twilio, ph, "go", 1)
        await _say(svc, twilio, ph, "7", 2)
        assert twilio.to(ph)[-1].body.startswith("Please reply with one number from 0 to 3")
        await twilio.post_inbound(f"{svc.base_url}/twilio/inbound", from_=ph, body="STOP")
        [closed] = await tail.wait_for(of("iop.assessment.completed.v1", patient_id=pid, status="stopped"))
        assert closed.data.total is None and closed.data.answered == 0
        state = await svc.deps.pool.fetchval("SELECT state FROM conversations WHERE patient_id = $1", pid)
        assert state == "stopped"


async def test_two_replicas_answering_at_once_never_interleave_one_conversation(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    from iop_devkit.notifier.twilio_fake import free_port

    port = free_port()
    second = make_settings(http_port=port, public_base_url=f"http://127.0.0.1:{port}")
    async with TopicTail(kafka_bootstrap, CHECKINS.name) as tail, run_notifier(make_settings()) as one, \
            run_notifier(second) as two:
        pid, ph, _ = await _setup(one, kafka_bootstrap)
        await eventually(lambda: twilio.to(ph), timeout=10)
        await _say(one, twilio, ph, "GO", 1)
        # Both replicas take a text for the same patient at the same moment: one waits for the other's step.
        sent = await asyncio.gather(twilio.post_inbound(f"{one.base_url}/twilio/inbound", from_=ph, body="0"),
                                    twilio.post_inbound(f"{two.base_url}/twilio/inbound", from_=ph, body="1"))
        assert [r.status_code for r in sent] == [200, 200]
        [done] = await tail.wait_for(of("iop.assessment.completed.v1", patient_id=pid, instrument="phq2"))
        assert done.data.total == 1 and done.data.answered == 2
        answers = tail.events(lambda e: e.type == "iop.checkin.received.v1" and e.data.patient_id == pid)
        assert sorted(a.data.item for a in answers) == [1, 2]
        await asyncio.sleep(1.0)
        assert _items(twilio, ph) == [("1", "2"), ("2", "2")]  # each question once


async def test_an_unfinished_checkin_expires_and_counts_as_unanswered(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    async with TopicTail(kafka_bootstrap, CHECKINS.name) as tail, \
            run_notifier(make_settings(checkin_window_s=4)) as svc:
        pid, ph, _ = await _setup(svc, kafka_bootstrap)
        await eventually(lambda: twilio.to(ph), timeout=10)
        await _say(svc, twilio, ph, "GO", 1)
        await _say(svc, twilio, ph, "2", 2)
        [expired] = await tail.wait_for(of("iop.assessment.completed.v1", patient_id=pid, status="expired"),
                                        timeout=15)
        assert (expired.data.instrument, expired.data.total, expired.data.answered) == ("phq2", None, 1)
        await twilio.post_inbound(f"{svc.base_url}/twilio/inbound", from_=ph, body="1")
        await asyncio.sleep(1.5)
        assert len(_items(twilio, ph)) == 2  # nothing more is asked after expiry
