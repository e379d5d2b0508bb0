"""GAD-2 -> GAD-7 by SMS, the notifier as its own process over the Twilio fake: a GAD-2 of 3 or more continues
to the GAD-7 (its two answers carried over) and publishes the total and band; a GAD-2 below 3 stops after two."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.testing.kafka import TopicTail, eventually, publish
from iop_shared.contracts import Contract, Envelope
from iop_shared.contracts.outbound import AssessmentCompleted, CheckinKind, ReminderPurpose
from iop_shared.contracts.topics import CHECKINS

from .conftest import applied
from .test_checkin_process import _items

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(60)]
Launch = Callable[..., Awaitable[str]]


def _outcomes(tail: TopicTail, pid: str) -> dict[str, AssessmentCompleted]:
    def mine(e: Envelope[Contract]) -> bool:
        return isinstance(e.data, AssessmentCompleted) and e.data.patient_id == pid
    return {str(e.data.instrument): e.data for e in tail.events(mine) if isinstance(e.data, AssessmentCompleted)}


async def test_gad2_of_3_continues_to_the_gad7_and_below_3_stops_after_two_items(
        notifier_proc: Launch, twilio: TwilioFake, kafka_bootstrap: str, database_url: str, pg_schema: str) -> None:
    clinic, high, low = b.uid("cl"), b.uid("pt"), b.uid("pt")
    phones = {high: b.phone(), low: b.phone()}
    async with TopicTail(kafka_bootstrap, CHECKINS.name) as tail:
        await publish(kafka_bootstrap, b.clinic(clinic, quiet=b.all_day()),
                      *(b.patient(p, clinic, phone_number=ph, detailed=True) for p, ph in phones.items()))
        base = await notifier_proc()
        await applied(database_url, pg_schema, patients=2)
        await publish(kafka_bootstrap, *(b.reminder(p, clinic, [], purpose=ReminderPurpose.checkin_prompt,
                                                    checkin_kind=CheckinKind.gad2) for p in phones))
        inbound = f"{base}/twilio/inbound"

        async def say(pid: str, body: str, items: int) -> None:
            await twilio.post_inbound(inbound, from_=phones[pid], body=body)
            await eventually(lambda: len(_items(twilio, phones[pid])) >= items, timeout=10)

        def opened(pid: str) -> Callable[[], bool]:
            return lambda: any("check-in is ready" in m.body for m in twilio.to(phones[pid]))

        for pid in phones:
            await eventually(opened(pid), timeout=20)
            await say(pid, "GO", 1)
            await say(pid, {high: "2", low: "1"}[pid], 2)
        await twilio.post_inbound(inbound, from_=phones[low], body="1")  # GAD-2 = 2: done
        await eventually(lambda: any("check-in is done" in m.body for m in twilio.to(phones[low])), timeout=10)
        await say(high, "1", 3)  # GAD-2 = 3: the GAD-7 goes on at its third item
        for n, answer in enumerate(["1", "2", "0", "1"], start=4):  # GAD-7 items 3 to 6
            await say(high, answer, n)
        await twilio.post_inbound(inbound, from_=phones[high], body="2")  # item 7
        await eventually(lambda: any("check-in is done" in m.body for m in twilio.to(phones[high])), timeout=10)
        await tail.wait_for(lambda e: isinstance(e.data, AssessmentCompleted) and e.data.patient_id in phones,
                            count=3, timeout=10)  # GAD-2 and GAD-7 of one, the GAD-2 of the other
        await tail.settle(1.5)  # nothing more may follow for either patient

    assert _items(twilio, phones[high]) == ["1/2", "2/2", "3/7", "4/7", "5/7", "6/7", "7/7"]  # none asked twice
    assert _items(twilio, phones[low]) == ["1/2", "2/2"]
    gad7 = _outcomes(tail, high)["gad7"]
    assert (gad7.status, gad7.total, gad7.band, gad7.answered) == ("completed", 9, "mild", 7)  # 2+1+1+2+0+1+2
    assert (_outcomes(tail, high)["gad2"].total, _outcomes(tail, low)["gad2"].total) == (3, 2)
    assert set(_outcomes(tail, low)) == {"gad2"}
