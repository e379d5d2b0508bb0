"""An on-call member answers a page by text: `ACK <code>` from the paged number publishes the acknowledgement and
stops escalation; the same text from any other number changes nothing and is answered by nothing."""

from __future__ import annotations

import asyncio
import re

import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.testing.kafka import TopicTail, eventually, publish
from iop_shared.contracts.outbound import Severity
from iop_shared.contracts.topics import RISK

from .conftest import Launch, applied

NUMBER = "+15557770100"


@pytest.mark.e2e
async def test_an_ack_reply_from_the_paged_member_stops_escalation_and_no_other_number_can(
        notifier_proc: Launch, twilio: TwilioFake, kafka_bootstrap: str, database_url: str, pg_schema: str) -> None:
    clinic, team, pid = b.uid("cl"), b.uid("team"), b.uid("pt")
    on, nxt, stranger, patient_phone = b.phone(), b.phone(), b.phone(), b.phone()
    base = await notifier_proc(NOTIFIER_ESCALATE_AFTER_S="3")
    await publish(kafka_bootstrap, b.clinic(clinic), b.patient(pid, clinic, phone_number=patient_phone,
                                                               care_team_id=team),
                  b.care_team(team, clinic, [("m-on", True, on, None), ("m-next", False, nxt, None)]))
    await applied(database_url, pg_schema, patients=1, care_teams=1)
    async with TopicTail(kafka_bootstrap, RISK.name) as tail:
        flag = b.risk_flag(pid, team, severity=Severity.high, rule="missed_two")
        await publish(kafka_bootstrap, flag)
        await eventually(lambda: twilio.to(on), timeout=10)
        page = twilio.to(on)[0].body
        found = re.search(r"Reply ACK (\w{4})", page)
        assert found, page
        code = found.group(1)

        # Someone who was not paged (a stranger, the patient) sends the code: nothing changes, nobody answers.
        for sender in (stranger, patient_phone):
            await twilio.post_inbound(f"{base}/twilio/inbound", from_=sender, to=NUMBER, body=f"ACK {code}")
        await twilio.post_inbound(f"{base}/twilio/inbound", from_=on, to=NUMBER, body=f"ack {code}")
        [ack] = await tail.wait_for(lambda e: e.type == "iop.risk.acknowledged.v1", timeout=10)
        assert ack.data.flag_id == flag.data.flag_id and ack.data.by == "m-on"
        assert ack.data.care_team_id == team and ack.data.patient_id == pid
        assert ack.source == f"/clinics/{clinic}/notifier"  # attendance records it only for this clinic's flag
        await asyncio.sleep(4.5)  # past the escalation time: nobody else is paged
        assert twilio.to(nxt) == [] and twilio.to(stranger) == [] and twilio.to(patient_phone) == []
        assert len(twilio.to(on)) == 1
        await twilio.post_inbound(f"{base}/twilio/inbound", from_=on, to=NUMBER, body=f"ACK {code}")  # again
        await tail.settle(2.0)
        assert len([e for e in tail.events() if e.type == "iop.risk.acknowledged.v1"]) == 1


@pytest.mark.e2e
async def test_an_unacknowledged_page_still_escalates(
        notifier_proc: Launch, twilio: TwilioFake, kafka_bootstrap: str, database_url: str, pg_schema: str) -> None:
    """The control: without the ACK the next member is paged, so the test above can fail."""
    clinic, team, pid = b.uid("cl"), b.uid("team"), b.uid("pt")
    on, nxt, stranger = b.phone(), b.phone(), b.phone()
    base = await notifier_proc(NOTIFIER_ESCALATE_AFTER_S="2")
    await publish(kafka_bootstrap, b.clinic(clinic), b.patient(pid, clinic, phone_number=b.phone(),
                                                               care_team_id=team),
                  b.care_team(team, clinic, [("m-on", True, on, None), ("m-next", False, nxt, None)]))
    await applied(database_url, pg_schema, patients=1, care_teams=1)
    await publish(kafka_bootstrap, b.risk_flag(pid, team, severity=Severity.high, rule="missed_two"))
    await eventually(lambda: twilio.to(on), timeout=10)
    code = re.search(r"Reply ACK (\w{4})", twilio.to(on)[0].body).group(1)  # type: ignore[union-attr]
    await twilio.post_inbound(f"{base}/twilio/inbound", from_=stranger, to=NUMBER, body=f"ACK {code}")
    await eventually(lambda: twilio.to(nxt), timeout=10)
