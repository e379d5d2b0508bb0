"""A text nobody could read (concern) reaches a person: paged, listed for triage, escalated until opened."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.runner import run_notifier
from iop_devkit.notifier.scenario import known
from iop_devkit.notifier.smtp import SmtpCapture
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.testing.kafka import TopicTail, eventually, of
from iop_notifier.domain.reply_parser import parse_reply
from iop_notifier.settings import Settings
from iop_shared.contracts.outbound import CheckinIntent
from iop_shared.contracts.topics import CHECKINS

pytestmark = pytest.mark.integration
TRIAGE = {"Authorization": "Bearer test-triage-token-123"}
ALWAYS_OPEN = "mon-sun 00:00-23:59"


# Texts the real parser cannot place: questions only staff can answer.
QUESTION = "is group still on if it snows? my sister has the car"
AT_NIGHT = "can my mom come with me next time?"


def test_the_texts_are_ones_nobody_can_read() -> None:
    assert {parse_reply(QUESTION).intent, parse_reply(AT_NIGHT).intent} == {CheckinIntent.concern}


def never_open() -> str:
    """Opening hours on a single weekday that is not today in New York (nor tomorrow, for a run at midnight)."""
    today = datetime.now(ZoneInfo("America/New_York"))
    return f"{(today + timedelta(days=3)).strftime('%a').lower()} 08:00-18:00"


async def test_concern_is_paged_by_medium_channels_listed_escalated_and_opening_it_stops_escalation(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, smtp: SmtpCapture,
        make_settings: Callable[..., Settings]) -> None:
    clinic, other, team, pid, ph = b.uid("cl"), b.uid("cl"), b.uid("team"), b.uid("pt"), b.phone()
    settings = make_settings(concern_escalate_after_s=2, clinic_open_hours=ALWAYS_OPEN)
    members = [("m-on", True, b.phone(), "on@example.org"), ("m-next", False, b.phone(), "next@example.org"),
               ("m-last", False, b.phone(), "last@example.org")]
    async with TopicTail(kafka_bootstrap, CHECKINS.name) as tail, run_notifier(settings) as svc, \
            httpx.AsyncClient(base_url=svc.base_url) as http:
        await known(svc, kafka_bootstrap, b.clinic(clinic), b.care_team(team, clinic, members),
                    b.patient(pid, clinic, phone_number=ph, care_team_id=team),
                    patients=(pid,), teams=(team,), clinics=(clinic,))
        await twilio.post_inbound(f"{svc.base_url}/twilio/inbound", from_=ph, body=QUESTION)
        [checkin] = await tail.wait_for(of("iop.checkin.received.v1", patient_id=pid, intent="concern"))
        concern_id = checkin.data.checkin_id
        assert "snows" not in checkin.data.model_dump_json()
        await eventually(lambda: smtp.to("on@example.org"), timeout=5)
        page = smtp.to("on@example.org")[0].message
        assert concern_id in page["Subject"] and "snows" not in page.as_string()
        assert twilio.to(members[0][2]) == [] and twilio.to(ph) == []  # medium: email only; no answer to the patient

        assert (await http.get("/v1/concerns", params={"clinic_id": clinic})).status_code == 401
        listed = (await http.get("/v1/concerns", params={"clinic_id": clinic}, headers=TRIAGE)).json()["concerns"]
        assert [c["concern_id"] for c in listed] == [concern_id] and listed[0]["paged"] is True
        assert "text" not in listed[0] and listed[0]["care_team_id"] == team
        assert (await http.get("/v1/concerns", params={"clinic_id": other}, headers=TRIAGE)).json()["concerns"] == []

        await eventually(lambda: smtp.to("next@example.org"), timeout=6)  # unopened: the next member
        body = {"clinic_id": other, "by": "m-next"}
        assert (await http.post(f"/v1/concerns/{concern_id}/open", json=body, headers=TRIAGE)).status_code == 404
        bad = await http.post(f"/v1/concerns/{concern_id}/open", json={"clinic_id": clinic, "by": "no spaces+1555"},
                              headers=TRIAGE)
        assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "by"] and "1555" not in bad.text
        opened = await http.post(f"/v1/concerns/{concern_id}/open", json={"clinic_id": clinic, "by": "m-next"},
                                 headers=TRIAGE)
        assert opened.status_code == 200
        assert opened.json()["text"] == QUESTION and opened.json()["opened_by"] == "m-next"
        await tail.settle(3.5)  # past the next escalation: opening it stopped the escalation
        assert smtp.to("last@example.org") == []
        assert (await http.get("/v1/concerns", params={"clinic_id": clinic}, headers=TRIAGE)).json()["concerns"] == []
        [done] = (await http.get("/v1/concerns", params={"clinic_id": clinic, "state": "all"},
                                 headers=TRIAGE)).json()["concerns"]
        assert done["opened_by"] == "m-next" and done["opened_at"]


async def test_concern_outside_opening_hours_pages_the_on_call_member_at_once_by_the_high_channels(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, smtp: SmtpCapture,
        make_settings: Callable[..., Settings]) -> None:
    clinic, team, pid, ph, oncall, other = b.uid("cl"), b.uid("team"), b.uid("pt"), b.phone(), b.phone(), b.phone()
    settings = make_settings(concern_escalate_after_s=1, clinic_open_hours=never_open())
    async with run_notifier(settings) as svc:
        await known(svc, kafka_bootstrap, b.clinic(clinic),
                    b.care_team(team, clinic, [("m-on", True, oncall, "on@example.org"),
                                               ("m-off", False, other, "off@example.org")]),
                    b.patient(pid, clinic, phone_number=ph, care_team_id=team),
                    patients=(pid,), teams=(team,), clinics=(clinic,))
        await twilio.post_inbound(f"{svc.base_url}/twilio/inbound", from_=ph, body=AT_NIGHT)
        await eventually(lambda: twilio.to(oncall) and smtp.to("on@example.org"), timeout=5)
        assert "needs a person" in twilio.to(oncall)[0].body
        await asyncio.sleep(2.5)  # past the escalation time: outside opening hours nobody else is paged
        row = await svc.deps.pool.fetchrow("SELECT * FROM alerts WHERE kind = 'concern' AND patient_id = $1", pid)
        assert row["next_escalation_at"] is None and twilio.to(other) == []
