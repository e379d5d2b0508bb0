"""A crisis text pages at once and attendance's flag adopts that page; a page that can reach nobody is never silent."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.runner import run_notifier
from iop_devkit.notifier.scenario import known
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.testing.kafka import TopicTail, eventually, of, publish
from iop_notifier.settings import Settings
from iop_shared.contracts.cloudevents import Envelope
from iop_shared.contracts.outbound import RiskAcknowledged
from iop_shared.contracts.topics import CHECKINS, NOTIFICATIONS

pytestmark = pytest.mark.integration


async def test_crisis_text_pages_the_team_directly_and_the_crisis_flag_adopts_the_page(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    clinic, team, pid, ph, oncall, backup = b.uid("cl"), b.uid("team"), b.uid("pt"), b.phone(), b.phone(), b.phone()
    async with TopicTail(kafka_bootstrap, CHECKINS.name) as tail, \
            run_notifier(make_settings(escalate_after_s=4)) as svc:
        await known(svc, kafka_bootstrap, b.clinic(clinic),
                    b.care_team(team, clinic, [("m-on", True, oncall, None), ("m-backup", False, backup, None)]),
                    b.patient(pid, clinic, phone_number=ph, care_team_id=team),
                    patients=(pid,), teams=(team,), clinics=(clinic,))
        started = time.monotonic()
        await twilio.post_inbound(f"{svc.base_url}/twilio/inbound", from_=ph, body="I want to kill myself")
        await eventually(lambda: twilio.to(oncall), timeout=5)
        assert time.monotonic() - started < 5.0  # without the round trip through attendance
        [checkin] = await tail.wait_for(of("iop.checkin.received.v1", patient_id=pid, intent="crisis"))
        assert checkin.data.checkin_id in twilio.to(oncall)[0].body

        # Attendance's critical flag for this check-in cites the check-in's event id: adopted, not paged again.
        flag = b.risk_flag(pid, team, rule="crisis_checkin", evidence=[checkin.id])
        ack = RiskAcknowledged(flag_id=flag.data.flag_id, patient_id=pid, by="m-on", acknowledged_at=datetime.now(UTC))
        await publish(kafka_bootstrap, flag, Envelope(ack, source="iop/attendance"))

        async def adopted() -> bool:
            row = await svc.deps.pool.fetchrow("SELECT * FROM alerts WHERE risk_flag_id = $1", flag.data.flag_id)
            return bool(row and row["acknowledged_at"])
        await eventually(adopted)
        await tail.settle(5.0)  # past the escalation time: the acknowledgement of the flag stopped it
        assert len(twilio.to(oncall)) == 1 and twilio.to(backup) == []


async def test_crisis_of_a_patient_whose_team_is_empty_pages_the_clinic_fallback_and_says_nobody_was_paged(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    clinic, empty, roster, pid, ph, fallback = b.uid("cl"), b.uid("team"), b.uid("team"), b.uid("pt"), b.phone(), \
        b.phone()
    settings = make_settings(fallback_care_teams={clinic: roster, "*": b.uid("team-star")})
    async with TopicTail(kafka_bootstrap, NOTIFICATIONS.name, CHECKINS.name) as tail, run_notifier(settings) as svc:
        await known(svc, kafka_bootstrap, b.clinic(clinic), b.care_team(empty, clinic, []),
                    b.care_team(roster, clinic, [("m-roster", True, fallback, None)]),
                    b.patient(pid, clinic, phone_number=ph, care_team_id=empty),
                    patients=(pid,), teams=(empty, roster), clinics=(clinic,))
        started = time.monotonic()
        await twilio.post_inbound(f"{svc.base_url}/twilio/inbound", from_=ph, body="I want to kill myself")
        assert any("988" in m.body for m in twilio.to(ph)) and time.monotonic() - started < 2.0
        await eventually(lambda: twilio.to(fallback), timeout=5)
        [checkin] = await tail.wait_for(of("iop.checkin.received.v1", patient_id=pid))
        [nobody] = await tail.wait_for(of("iop.notification.suppressed.v1", reason_code="no_recipient"))
        assert (nobody.data.recipient_kind, nobody.data.recipient_id) == ("care_team", empty)
        assert nobody.data.source_event_id == checkin.data.checkin_id
        [page] = await tail.wait_for(of("iop.notification.sent.v1", recipient_id="m-roster"))
        assert page.data.reason_code == "fallback_roster"


async def test_flag_for_an_unknown_team_pages_the_star_roster_then_the_team_when_it_arrives(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    clinic, late, star, pid = b.uid("cl"), b.uid("team"), b.uid("team"), b.uid("pt")
    star_phone, late_phone = b.phone(), b.phone()
    settings = make_settings(fallback_care_teams={"*": star})
    async with TopicTail(kafka_bootstrap, NOTIFICATIONS.name) as tail, run_notifier(settings) as svc:
        await known(svc, kafka_bootstrap, b.clinic(clinic), b.care_team(star, clinic, [("m-star", True, star_phone,
                                                                                       None)]),
                    teams=(star,), clinics=(clinic,))
        flag = b.risk_flag(pid, late)
        await publish(kafka_bootstrap, flag)
        await eventually(lambda: twilio.to(star_phone), timeout=5)
        [nobody] = await tail.wait_for(of("iop.notification.suppressed.v1", reason_code="no_recipient"))
        assert (nobody.data.recipient_id, nobody.data.source_event_id) == (late, flag.data.flag_id)
        row = await svc.deps.pool.fetchrow("SELECT * FROM alerts WHERE flag_id = $1", flag.data.flag_id)
        assert row["roster_id"] == star and row["next_escalation_at"] is not None
        await publish(kafka_bootstrap, b.care_team(late, clinic, [("m-late", True, late_phone, None)]))
        await eventually(lambda: twilio.to(late_phone), timeout=5)  # the team that arrived later is paged too
        assert len(twilio.to(star_phone)) == 1


async def test_a_flag_that_can_reach_nobody_at_all_is_published_as_nobody_paged_and_does_not_loop(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    clinic, team, pid = b.uid("cl"), b.uid("team"), b.uid("pt")
    async with TopicTail(kafka_bootstrap, NOTIFICATIONS.name) as tail, \
            run_notifier(make_settings(escalate_after_s=1)) as svc:
        await known(svc, kafka_bootstrap, b.clinic(clinic),
                    b.care_team(team, clinic, [("m-nochannel", True, None, None)]), teams=(team,), clinics=(clinic,))
        flag = b.risk_flag(pid, team)
        await publish(kafka_bootstrap, flag)
        [nobody] = await tail.wait_for(of("iop.notification.suppressed.v1", source_event_id=flag.data.flag_id))
        assert (nobody.data.recipient_kind, nobody.data.reason_code) == ("care_team", "no_recipient")
        await tail.settle(3.0)
        row = await svc.deps.pool.fetchrow("SELECT * FROM alerts WHERE flag_id = $1", flag.data.flag_id)
        assert (row["paged"], row["next_escalation_at"]) == (False, None)
        assert len(tail.events(of("iop.notification.suppressed.v1", source_event_id=flag.data.flag_id))) == 1
        assert twilio.messages == []
