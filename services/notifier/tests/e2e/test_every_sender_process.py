"""The notifier as its own process over the Twilio fake: every crisis sender answered in < 2 s and paged in < 5 s,
and a text nobody could read listed for triage, paged, escalated and stopped by opening it."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable

import asyncpg
import httpx
import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.testing.kafka import eventually, publish

NUMBER = "+15557770100"
UNREADABLE = "is group still on if it snows? my sister has the car"  # the real parser reads it as concern
TRIAGE = {"Authorization": "Bearer e2e-triage-token-abcdef"}
Start = Callable[..., Awaitable[str]]


@pytest.fixture
def never_logged() -> list[bytes]:
    return [UNREADABLE.encode()]  # the notifier keeps reply texts in its store, never in its logs


async def _applied(database_url: str, schema: str, patients: int, teams: int) -> None:
    conn = await asyncpg.connect(database_url, server_settings={"search_path": schema})
    try:
        async def done() -> bool:
            return (await conn.fetchval("SELECT count(*) FROM patients") >= patients
                    and await conn.fetchval("SELECT count(*) FROM care_teams") >= teams)
        await eventually(done, timeout=30)
    finally:
        await conn.close()


async def _crisis(twilio: TwilioFake, base: str, sender: str, pages: list[str], body: str) -> None:
    """A crisis text: the 988 answer at the fake in < 2 s, a new page at each of `pages` in < 5 s."""
    before = {p: len(twilio.to(p)) for p in pages}
    answered = len([m for m in twilio.to(sender) if "988" in m.body])
    started = time.monotonic()
    assert (await twilio.post_inbound(f"{base}/twilio/inbound", from_=sender, to=NUMBER, body=body)).status_code == 200
    await eventually(lambda: len([m for m in twilio.to(sender) if "988" in m.body]) == answered + 1, timeout=2)
    assert time.monotonic() - started < 2.0
    await eventually(lambda: all(len(twilio.to(p)) > before[p] for p in pages), timeout=5, interval=0.1)
    assert time.monotonic() - started < 5.0


@pytest.mark.e2e
async def test_every_crisis_sender_is_answered_and_someone_paged(
        notifier_proc: Start, twilio: TwilioFake, kafka_bootstrap: str, database_url: str, pg_schema: str) -> None:
    clinic, team, team2, empty, roster = b.uid("cl"), b.uid("team"), b.uid("team"), b.uid("team"), b.uid("team")
    on, on2, fallback, unknown, opted, shared, lonely = (b.phone() for _ in range(7))
    p_opted, p_a, p_b, p_lonely = (b.uid("pt") for _ in range(4))
    base = await notifier_proc(NOTIFIER_INBOUND_NUMBERS=json.dumps({NUMBER: clinic}),
                       NOTIFIER_FALLBACK_CARE_TEAMS=json.dumps({clinic: roster}))
    await publish(kafka_bootstrap, b.clinic(clinic), b.care_team(team, clinic, [("m-on", True, on, None)]),
                  b.care_team(team2, clinic, [("m-on2", True, on2, None)]), b.care_team(empty, clinic, []),
                  b.care_team(roster, clinic, [("m-roster", True, fallback, None)]),
                  b.patient(p_opted, clinic, phone_number=opted, care_team_id=team),
                  b.patient(p_a, clinic, phone_number=shared, care_team_id=team),
                  b.patient(p_b, clinic, phone_number=shared, care_team_id=team2),
                  b.patient(p_lonely, clinic, phone_number=lonely, care_team_id=empty))
    await _applied(database_url, pg_schema, patients=4, teams=4)

    await _crisis(twilio, base, unknown, [on, on2], "I want to kill myself")  # every team of the clinic
    await twilio.post_inbound(f"{base}/twilio/inbound", from_=opted, to=NUMBER, body="STOP")
    await eventually(lambda: twilio.to(opted), timeout=5)  # the opt-out confirmation
    await _crisis(twilio, base, opted, [on], "Quiero morir")
    await _crisis(twilio, base, shared, [on, on2], "I want to kill myself")
    assert len([m for m in twilio.to(shared) if "988" in m.body]) == 1  # one answer per message
    await _crisis(twilio, base, lonely, [fallback], "I want to kill myself")  # empty team: the fallback roster


@pytest.mark.e2e
async def test_an_unreadable_text_is_listed_paged_escalated_and_opening_it_stops_escalation(
        notifier_proc: Start, twilio: TwilioFake, kafka_bootstrap: str, database_url: str, pg_schema: str) -> None:
    clinic, team, pid, ph = b.uid("cl"), b.uid("team"), b.uid("pt"), b.phone()
    on, nxt, last = b.phone(), b.phone(), b.phone()
    base = await notifier_proc(NOTIFIER_CONCERN_ESCALATE_AFTER="2", NOTIFIER_CLINIC_OPEN_HOURS="mon-sun 00:00-23:59",
                       NOTIFIER_ALERT_CHANNELS_MEDIUM='["sms"]')
    await publish(kafka_bootstrap, b.clinic(clinic), b.patient(pid, clinic, phone_number=ph, care_team_id=team),
                  b.care_team(team, clinic, [("m-on", True, on, None), ("m-next", False, nxt, None),
                                             ("m-last", False, last, None)]))
    await _applied(database_url, pg_schema, patients=1, teams=1)
    await twilio.post_inbound(f"{base}/twilio/inbound", from_=ph, to=NUMBER, body=UNREADABLE)
    async with httpx.AsyncClient(base_url=base, headers=TRIAGE) as http:
        async def listed() -> list[dict[str, object]]:
            return list((await http.get("/v1/concerns", params={"clinic_id": clinic})).json()["concerns"])
        await eventually(listed, timeout=5)
        [concern] = await listed()
        await eventually(lambda: twilio.to(on), timeout=5)
        assert str(concern["concern_id"]) in twilio.to(on)[0].body and "snows" not in twilio.to(on)[0].body
        await eventually(lambda: twilio.to(nxt), timeout=8)  # nobody opened it: the next member
        opened = await http.post(f"/v1/concerns/{concern['concern_id']}/open", json={"clinic_id": clinic, "by": "u-7"})
        assert opened.status_code == 200 and opened.json()["text"] == UNREADABLE
        await asyncio.sleep(3.5)  # past the next escalation time
        assert twilio.to(last) == [] and await listed() == []
