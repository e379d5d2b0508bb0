"""The notifier as its own process over the Twilio fake: every crisis sender answered in < 2 s and paged in < 5 s,
and a text nobody could read listed for triage, paged, escalated and stopped by opening it."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
import httpx
import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.twilio_fake import TwilioFake, free_port
from iop_devkit.testing.kafka import eventually, publish

NUMBER = "+15557770100"
UNREADABLE = "is group still on if it snows? my sister has the car"  # the real parser reads it as concern
TRIAGE = {"Authorization": "Bearer e2e-triage-token-abcdef"}
Start = Callable[..., Awaitable[str]]


@pytest.fixture
async def start(topics: str, kafka_bootstrap: str, database_url: str, pg_schema: str, group_id: str,
                twilio: TwilioFake) -> AsyncIterator[Start]:
    procs: list[asyncio.subprocess.Process] = []

    async def launch(**env_overrides: str) -> str:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "DATABASE_URL": database_url,
               "IOP_ENVIRONMENT": "development", "NOTIFIER_DB_SCHEMA": pg_schema, "NOTIFIER_GROUP_ID": group_id,
               "NOTIFIER_HTTP_PORT": str(port), "NOTIFIER_PUBLIC_BASE_URL": base,
               "NOTIFIER_EMBEDDED_TOKEN": "e2e-token-abcdef", "NOTIFIER_ADMIN_TOKEN": "e2e-admin-token-abcdef",
               "NOTIFIER_TRIAGE_TOKEN": "e2e-triage-token-abcdef", "NOTIFIER_TWILIO_ACCOUNT_SID": twilio.account_sid,
               "NOTIFIER_TWILIO_AUTH_TOKEN": twilio.auth_token,
               "NOTIFIER_TWILIO_MESSAGING_SERVICE_SID": "MG" + "1" * 32,
               "NOTIFIER_TWILIO_API_BASE_URL": twilio.base_url, "NOTIFIER_SMS_RATE_PER_SECOND": "0",
               "NOTIFIER_TIMER_INTERVAL_S": "0.5", "NOTIFIER_DISPATCH_POLL_S": "0.2", "IOP_TOPIC_PREFIX": topics,
               **env_overrides}
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "iop_notifier.entrypoints.main", "run",
                                                    env=env, stderr=asyncio.subprocess.PIPE)
        procs.append(proc)

        async def ready() -> bool:
            try:
                async with httpx.AsyncClient() as http:
                    return (await http.get(f"{base}/readyz")).status_code == 200
            except httpx.TransportError:
                return False
        await eventually(ready, timeout=40, interval=0.3)
        return base

    yield launch
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(proc.communicate(), timeout=20)
        assert b'"notifier_stopped"' in stderr
        assert b"+1555" not in stderr  # no phone numbers in the logs
        assert UNREADABLE.encode() not in stderr  # no message text in the logs


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
        start: Start, twilio: TwilioFake, kafka_bootstrap: str, database_url: str, pg_schema: str) -> None:
    clinic, team, team2, empty, roster = b.uid("cl"), b.uid("team"), b.uid("team"), b.uid("team"), b.uid("team")
    on, on2, fallback, unknown, opted, shared, lonely = (b.phone() for _ in range(7))
    p_opted, p_a, p_b, p_lonely = (b.uid("pt") for _ in range(4))
    base = await start(NOTIFIER_INBOUND_NUMBERS=json.dumps({NUMBER: clinic}),
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
        start: Start, twilio: TwilioFake, kafka_bootstrap: str, database_url: str, pg_schema: str) -> None:
    clinic, team, pid, ph = b.uid("cl"), b.uid("team"), b.uid("pt"), b.phone()
    on, nxt, last = b.phone(), b.phone(), b.phone()
    base = await start(NOTIFIER_CONCERN_ESCALATE_AFTER="2", NOTIFIER_CLINIC_OPEN_HOURS="mon-sun 00:00-23:59",
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
