"""Every crisis sender is answered at once and someone is paged: unknown number, opted out, discharged, shared."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.runner import run_notifier
from iop_devkit.notifier.scenario import known
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.testing.kafka import TopicTail, eventually, of
from iop_notifier.settings import Settings
from iop_shared.contracts.topics import CHECKINS, NOTIFICATIONS

pytestmark = pytest.mark.integration
NUMBER_A, NUMBER_B, MG_B = "+15557770001", "+15557770002", "MG" + "b" * 32


def crisis_answers(twilio: TwilioFake, phone: str) -> list[str]:
    return [m.body for m in twilio.to(phone) if "988" in m.body]


async def test_unknown_sender_is_answered_under_the_receiving_clinics_alias_and_its_on_call_paged(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    clinic_a, clinic_b, team_a, team_b = b.uid("cl"), b.uid("cl"), b.uid("team"), b.uid("team")
    sender, oncall_a, oncall_b = b.phone(), b.phone(), b.phone()
    settings = make_settings(inbound_numbers={NUMBER_A: clinic_a, MG_B: clinic_b})
    async with TopicTail(kafka_bootstrap, NOTIFICATIONS.name, CHECKINS.name) as tail, run_notifier(settings) as svc:
        await known(svc, kafka_bootstrap, b.clinic(clinic_a), b.clinic(clinic_b),
                    b.care_team(team_a, clinic_a, [("m-a", True, oncall_a, None), ("m-a2", False, b.phone(), None)]),
                    b.care_team(team_b, clinic_b, [("m-b", True, oncall_b, None)]),
                    teams=(team_a, team_b), clinics=(clinic_a, clinic_b))
        started = time.monotonic()
        response = await twilio.post_inbound(f"{svc.base_url}/twilio/inbound", from_=sender, to=NUMBER_A,
                                             body="I want to kill myself")
        assert response.status_code == 200
        [answer] = crisis_answers(twilio, sender)  # answered before the webhook returned
        assert time.monotonic() - started < 2.0
        assert "911" in answer and "Riverside Wellness" in answer and "Si est" not in answer  # clearly English
        await eventually(lambda: twilio.to(oncall_a), timeout=5)
        assert time.monotonic() - started < 5.0 and "crisis_text_unknown_sender" in twilio.to(oncall_a)[0].body
        [sent] = await tail.wait_for(of("iop.notification.sent.v1", recipient_kind="sender"))
        assert str(sent.data.recipient_id).startswith("snd-") and sender not in sent.data.model_dump_json()
        await tail.settle(1.0)
        assert twilio.to(oncall_b) == []  # never another clinic's team
        assert not tail.events(lambda e: e.type == "iop.checkin.received.v1")  # nobody's check-in
        assert all(sender not in e.data.model_dump_json() for e in tail.events())

        # The same number again, through clinic B's Messaging Service, in Spanish: clinic B's on call is paged.
        await twilio.post_inbound(f"{svc.base_url}/twilio/inbound", from_=sender, to="+15550000009",
                                  messaging_service_sid=MG_B, body="ya no puedo más, quiero morir")
        spanish = crisis_answers(twilio, sender)[1]
        assert "Si est" in spanish and "If you" not in spanish
        await eventually(lambda: twilio.to(oncall_b), timeout=5)
        ids = {e.data.recipient_id for e in tail.events(of("iop.notification.sent.v1", recipient_kind="sender"))}
        assert len(ids) == 1  # one opaque id per number, stable


async def test_unknown_sender_to_an_unknown_number_gets_both_languages_and_the_star_fallback_is_paged(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    clinic, star = b.uid("cl"), b.uid("team")
    sender, roster = b.phone(), b.phone()
    settings = make_settings(fallback_care_teams={"*": star})
    async with TopicTail(kafka_bootstrap, NOTIFICATIONS.name) as tail, run_notifier(settings) as svc:
        await known(svc, kafka_bootstrap, b.clinic(clinic),
                    b.care_team(star, clinic, [("m-star", False, roster, None)]), teams=(star,), clinics=(clinic,))
        await twilio.post_inbound(f"{svc.base_url}/twilio/inbound", from_=sender, body="overdose")
        [answer] = crisis_answers(twilio, sender)
        assert "If you" in answer and "Si est" in answer and "Riverside" not in answer
        await eventually(lambda: twilio.to(roster), timeout=5)
        [nobody] = await tail.wait_for(of("iop.notification.suppressed.v1", reason_code="no_recipient"))
        assert nobody.data.recipient_kind == "care_team" and str(nobody.data.source_event_id).startswith("snd-")
        [page] = await tail.wait_for(of("iop.notification.sent.v1", recipient_id="m-star"))
        assert page.data.reason_code == "fallback_roster"


async def test_opted_out_and_discharged_patients_are_answered_once_and_paged(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    clinic, team, out, gone = b.uid("cl"), b.uid("team"), b.uid("pt"), b.uid("pt")
    out_phone, gone_phone, oncall = b.phone(), b.phone(), b.phone()
    never = b.always_quiet()  # the answer bypasses quiet hours
    async with TopicTail(kafka_bootstrap, NOTIFICATIONS.name, CHECKINS.name) as tail, \
            run_notifier(make_settings()) as svc:
        await known(svc, kafka_bootstrap, b.clinic(clinic, quiet=never),
                    b.care_team(team, clinic, [("m-on", True, oncall, None)]),
                    b.patient(out, clinic, phone_number=out_phone, care_team_id=team, sms=False),
                    b.patient(gone, clinic, phone_number=gone_phone, care_team_id=team, discharged=True),
                    patients=(out, gone), teams=(team,), clinics=(clinic,))
        url = f"{svc.base_url}/twilio/inbound"
        await twilio.post_inbound(url, from_=out_phone, body="STOP")
        await tail.wait_for(of("iop.checkin.received.v1", patient_id=out, intent="opt_out"))
        for phone in (out_phone, gone_phone):
            started = time.monotonic()
            await twilio.post_inbound(url, from_=phone, body="Quiero morir")
            assert len(crisis_answers(twilio, phone)) == 1 and time.monotonic() - started < 2.0
        await eventually(lambda: len(twilio.to(oncall)) == 2, timeout=5)
        for pid in (out, gone):
            await tail.wait_for(of("iop.checkin.received.v1", patient_id=pid, intent="crisis"))
        replies = await svc.deps.pool.fetchval(
            "SELECT count(*) FROM ledger WHERE recipient_id = $1 AND source_event_id LIKE 'reply-%'", out)
        assert replies == 2  # the STOP confirmation and the crisis answer, each recorded once


async def test_shared_phone_gets_one_answer_and_pages_every_matching_team_of_the_receiving_clinic_only(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    clinic_a, clinic_b = b.uid("cl"), b.uid("cl")
    team_1, team_2, team_other = b.uid("team"), b.uid("team"), b.uid("team")
    p1, p2, p_other = b.uid("pt"), b.uid("pt"), b.uid("pt")
    shared, on_1, on_2, on_other = b.phone(), b.phone(), b.phone(), b.phone()
    settings = make_settings(inbound_numbers={NUMBER_A: clinic_a})
    async with TopicTail(kafka_bootstrap, CHECKINS.name) as tail, run_notifier(settings) as svc:
        await known(svc, kafka_bootstrap, b.clinic(clinic_a), b.clinic(clinic_b),
                    b.care_team(team_1, clinic_a, [("m-1", True, on_1, None)]),
                    b.care_team(team_2, clinic_a, [("m-2", True, on_2, None)]),
                    b.care_team(team_other, clinic_b, [("m-x", True, on_other, None)]),
                    b.patient(p1, clinic_a, phone_number=shared, care_team_id=team_1),
                    b.patient(p2, clinic_a, phone_number=shared, care_team_id=team_2, revision=2),
                    b.patient(p_other, clinic_b, phone_number=shared, care_team_id=team_other, revision=9),
                    patients=(p1, p2, p_other), teams=(team_1, team_2, team_other), clinics=(clinic_a, clinic_b))
        started = time.monotonic()
        await twilio.post_inbound(f"{svc.base_url}/twilio/inbound", from_=shared, to=NUMBER_A,
                                  body="I want to kill myself")
        assert len(crisis_answers(twilio, shared)) == 1 and time.monotonic() - started < 2.0
        await eventually(lambda: twilio.to(on_1) and twilio.to(on_2), timeout=5)
        checkins = await tail.wait_for(of("iop.checkin.received.v1", intent="crisis"), count=2)
        assert {c.data.patient_id for c in checkins} == {p1, p2}
        await tail.settle(1.0)
        assert twilio.to(on_other) == [] and len(crisis_answers(twilio, shared)) == 1
        assert not tail.events(of("iop.checkin.received.v1", patient_id=p_other))


async def test_a_redelivered_webhook_of_an_unknown_senders_crisis_answers_and_pages_once(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    clinic, team, sender, oncall = b.uid("cl"), b.uid("team"), b.phone(), b.phone()
    async with run_notifier(make_settings(inbound_numbers={NUMBER_A: clinic})) as svc:
        await known(svc, kafka_bootstrap, b.clinic(clinic), b.care_team(team, clinic, [("m-on", True, oncall, None)]),
                    teams=(team,), clinics=(clinic,))
        params = {"MessageSid": "SM" + "7" * 32, "AccountSid": twilio.account_sid, "From": sender, "To": NUMBER_A,
                  "Body": "I want to kill myself", "NumMedia": "0", "ApiVersion": "2010-04-01"}
        for token in ("tok-1", "tok-2"):  # Twilio retried: same message, a new idempotency token
            assert (await twilio._post(f"{svc.base_url}/twilio/inbound", params, token)).status_code == 200
        await eventually(lambda: twilio.to(oncall), timeout=5)
        await asyncio.sleep(1.0)
        assert len(crisis_answers(twilio, sender)) == 1 and len(twilio.to(oncall)) == 1
