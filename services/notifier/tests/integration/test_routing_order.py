"""The routing order's one exception is narrow: a bare "A" is a choice only while an offer with an "A" is open;
otherwise it is read as before (the crisis model takes a lone "A" for crisis, and a crisis is paged)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.runner import run_notifier
from iop_devkit.notifier.scenario import known
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.testing.kafka import eventually
from iop_notifier.settings import Settings

pytestmark = pytest.mark.integration


async def test_a_bare_letter_is_a_choice_only_with_an_open_offer(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    clinic, team, pid, ph, oncall = b.uid("cl"), b.uid("team"), b.uid("pt"), b.phone(), b.phone()
    async with run_notifier(make_settings()) as svc:
        await known(svc, kafka_bootstrap, b.clinic(clinic), b.care_team(team, clinic, [("m-on", True, oncall, None)]),
                    b.patient(pid, clinic, phone_number=ph, care_team_id=team),
                    patients=(pid,), teams=(team,), clinics=(clinic,))
        now = datetime.now(UTC)
        options = [{"choice": "A", "slot_id": "slot-1", "starts_at": (now + timedelta(days=2)).isoformat()}]
        await svc.deps.pool.execute(
            "INSERT INTO reschedule_offers (offer_id, patient_id, clinic_id, session_id, options, offered_at,"
            " expires_at) VALUES ('off-1', $1, $2, 'ses-1', $3::jsonb, $4, $5)",
            pid, clinic, json.dumps(options), now, now + timedelta(hours=1))
        await twilio.post_inbound(f"{svc.base_url}/twilio/inbound", from_=ph, body="A")
        chosen = await svc.deps.pool.fetchval("SELECT choice FROM reschedule_offers WHERE offer_id = 'off-1'")
        assert chosen == "A" and twilio.to(oncall) == []  # the answer to the offer: nobody paged

        await twilio.post_inbound(f"{svc.base_url}/twilio/inbound", from_=ph, body="A")  # no offer open now
        await eventually(lambda: twilio.to(oncall), timeout=5)  # read as before: a crisis page


async def test_a_yes_takes_an_open_waitlist_seat_but_still_opts_back_in_after_a_stop(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    clinic, waiting, stopped = b.uid("cl"), b.uid("pt"), b.uid("pt")
    phones = {waiting: b.phone(), stopped: b.phone()}
    async with run_notifier(make_settings()) as svc:
        await known(svc, kafka_bootstrap, b.clinic(clinic, quiet=b.all_day()),
                    *[b.patient(p, clinic, phone_number=ph) for p, ph in phones.items()],
                    patients=tuple(phones), clinics=(clinic,))
        await twilio.post_inbound(f"{svc.base_url}/twilio/inbound", from_=phones[stopped], body="STOP")
        await eventually(lambda: any("no more texts" in m.body for m in twilio.to(phones[stopped])), timeout=10)
        now = datetime.now(UTC)
        for pid in phones:
            options = [{"choice": "YES", "slot_id": "wl-ses-1", "starts_at": (now + timedelta(days=2)).isoformat()}]
            await svc.deps.pool.execute(
                "INSERT INTO reschedule_offers (offer_id, patient_id, clinic_id, session_id, options, offered_at,"
                " expires_at) VALUES ($1, $1, $2, 'ses-1', $3::jsonb, $4, $5)",
                pid, clinic, json.dumps(options), now, now + timedelta(hours=1))

        async def choice(pid: str) -> str | None:
            return await svc.deps.pool.fetchval(  # type: ignore[no-any-return]
                "SELECT choice FROM reschedule_offers WHERE offer_id = $1", pid)

        await twilio.post_inbound(f"{svc.base_url}/twilio/inbound", from_=phones[waiting], body="A")
        assert await choice(waiting) is None  # a letter never answers a waitlist offer
        await twilio.post_inbound(f"{svc.base_url}/twilio/inbound", from_=phones[waiting], body="Yes")
        assert await choice(waiting) == "YES"
        await twilio.post_inbound(f"{svc.base_url}/twilio/inbound", from_=phones[stopped], body="YES")
        await eventually(lambda: any("texts resumed" in m.body for m in twilio.to(phones[stopped])), timeout=10)
        assert await choice(stopped) is None  # the START keyword it also is, as before
