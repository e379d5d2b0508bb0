"""Reschedule by reply with the scheduler and the notifier as processes, over real Kafka and PostgreSQL.

Reply 2 -> three lock-screen-safe offers matching the session's program and kind -> reply B -> a hold and
iop.reschedule.requested.v1 -> the clinic's own session upsert consumes it. Two patients racing for the last
seat: exactly one hold, the other told it was taken; the winner's unconfirmed hold is released at expiry and the
patient told.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.scheduler import session
from iop_devkit.testing.kafka import TopicTail, eventually, publish
from iop_devkit.testing.service_processes import run_services
from iop_shared.contracts import Envelope, clinic_source
from iop_shared.contracts.inbound import SessionKind
from iop_shared.contracts.reschedule import SlotUpserted
from iop_shared.contracts.topics import RESCHEDULES

pytestmark = pytest.mark.e2e
NUMBER = "+15557770100"
PUBLIC = "http://notifier.test"  # the notifier's public address: what Twilio signs


async def _reply(twilio: TwilioFake, base: str, phone: str, body: str) -> None:
    """A patient's text as Twilio posts it, signed for the public address (the process listens elsewhere)."""
    sid = "SM" + secrets.token_hex(16)
    params = {"MessageSid": sid, "SmsMessageSid": sid, "AccountSid": twilio.account_sid, "From": phone, "To": NUMBER,
              "Body": body, "NumMedia": "0", "ApiVersion": "2010-04-01"}
    headers = {"X-Twilio-Signature": twilio.sign(f"{PUBLIC}/twilio/inbound", params),
               "I-Twilio-Idempotency-Token": secrets.token_hex(16)}
    async with httpx.AsyncClient(timeout=10) as http:
        assert (await http.post(f"{base}/twilio/inbound", data=params, headers=headers)).status_code == 200


def _slot(slot_id: str, starts: datetime, *, capacity: int = 1, kind: SessionKind = SessionKind.group,
          program: str = "prog-1") -> Envelope[SlotUpserted]:
    return Envelope(SlotUpserted(slot_id=slot_id, clinic_id="clinic-a", program_id=program, kind=kind,
                                 starts_at=starts, ends_at=starts + timedelta(hours=1), capacity=capacity,
                                 revision=1), source=clinic_source("clinic-a", "test"))


def _tomorrow(hour_utc: int) -> datetime:
    day = datetime.now(UTC).date() + timedelta(days=2)
    return datetime(day.year, day.month, day.day, hour_utc, 0, tzinfo=UTC)  # 10:00-15:00 in New York


@asynccontextmanager
async def _stack(kafka: str, db: str, logs: Path, twilio: TwilioFake, monkeypatch: pytest.MonkeyPatch,
                 **scheduler_env: str) -> AsyncIterator[dict[str, str]]:
    env = {"NOTIFIER_TWILIO_ACCOUNT_SID": twilio.account_sid, "NOTIFIER_TWILIO_AUTH_TOKEN": twilio.auth_token,
           "NOTIFIER_TWILIO_MESSAGING_SERVICE_SID": "MG" + "1" * 32, "NOTIFIER_TWILIO_API_BASE_URL": twilio.base_url,
           "NOTIFIER_SMS_RATE_PER_SECOND": "0", "NOTIFIER_DISPATCH_POLL_S": "0.2", "NOTIFIER_TIMER_INTERVAL_S": "0.5",
           "NOTIFIER_PUBLIC_BASE_URL": PUBLIC, "SCHEDULER_RESCHEDULE_SWEEP_INTERVAL": "1s", **scheduler_env}
    async with run_services(kafka, db, ["scheduler", "notifier"], logs, extra_env=env) as (topics, urls):
        monkeypatch.setenv("IOP_TOPIC_PREFIX", topics)
        yield urls


async def _booked(kafka: str, twilio: TwilioFake, phones: dict[str, str], sid: str) -> None:
    """The clinic, its patients and their session; each patient's reminder arrives (the reply's context)."""
    await publish(kafka, b.clinic("clinic-a", quiet=b.all_day()),
                  *[b.patient(pid, "clinic-a", phone_number=ph) for pid, ph in phones.items()],
                  session(sid, datetime.now(UTC).replace(microsecond=0) + timedelta(hours=5), list(phones)))
    await eventually(lambda: all(twilio.to(ph) for ph in phones.values()), timeout=40)


def _offers(twilio: TwilioFake, phone: str) -> list[str]:
    return [m.body for m in twilio.to(phone) if "open times" in m.body]


async def test_reply_2_gets_three_offers_reply_b_holds_it_and_the_clinic_upsert_consumes_it(
        kafka_bootstrap: str, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pid, sid, ph = b.uid("pt"), b.uid("ses"), b.phone()
    async with TwilioFake() as twilio, _stack(kafka_bootstrap, database_url, tmp_path, twilio, monkeypatch) as urls:
        await _booked(kafka_bootstrap, twilio, {pid: ph}, sid)
        a, bb, c = b.uid("slot"), b.uid("slot"), b.uid("slot")
        await publish(kafka_bootstrap, _slot(a, _tomorrow(15)), _slot(bb, _tomorrow(16)), _slot(c, _tomorrow(17)),
                      _slot(b.uid("slot"), _tomorrow(14), kind=SessionKind.individual),  # another kind
                      _slot(b.uid("slot"), _tomorrow(13), program="prog-other"),  # another program
                      _slot(b.uid("slot"), _tomorrow(12), capacity=0))  # no seat
        async with TopicTail(kafka_bootstrap, RESCHEDULES.name) as tail:
            await _reply(twilio, urls["notifier"], ph, "2")
            [offered] = await tail.wait_for(lambda e: e.type == "iop.reschedule.offered.v1", timeout=30)
            assert [o.slot_id for o in offered.data.options] == [a, bb, c]  # type: ignore[attr-defined]
            await eventually(lambda: _offers(twilio, ph), timeout=15)
            [text] = _offers(twilio, ph)
            assert "Reply A, B or C" in text and len(text) <= 160 and "slot" not in text

            await _reply(twilio, urls["notifier"], ph, "B")
            [held] = await tail.wait_for(lambda e: e.type == "iop.reschedule.requested.v1", timeout=30)
            assert (held.data.session_id, held.data.slot_id, held.data.patient_id) == (sid, bb, pid)  # type: ignore[attr-defined]
            assert held.data.hold_id and held.data.hold_expires_at > datetime.now(UTC)  # type: ignore[attr-defined]
            await eventually(lambda: any("we asked to move" in m.body for m in twilio.to(ph)), timeout=15)

            # The clinic moves the session to the held time: the hold is consumed.
            moved = session(sid, _tomorrow(16), [pid], revision=2)
            await publish(kafka_bootstrap, moved)
            [closed] = await tail.wait_for(lambda e: e.type == "iop.reschedule.closed.v1", timeout=30)
            assert closed.data.outcome == "confirmed" and closed.data.hold_id == held.data.hold_id  # type: ignore[attr-defined]


async def test_two_patients_racing_for_the_last_seat_get_one_hold_and_it_is_released_at_expiry(
        kafka_bootstrap: str, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p1, p2, sid, ph1, ph2 = b.uid("pt"), b.uid("pt"), b.uid("ses"), b.phone(), b.phone()
    async with TwilioFake() as twilio, _stack(kafka_bootstrap, database_url, tmp_path, twilio, monkeypatch,
                                              SCHEDULER_RESCHEDULE_HOLD_TTL="4s") as urls:
        await _booked(kafka_bootstrap, twilio, {p1: ph1, p2: ph2}, sid)
        last = b.uid("slot")
        await publish(kafka_bootstrap, _slot(last, _tomorrow(15), capacity=1))
        async with TopicTail(kafka_bootstrap, RESCHEDULES.name) as tail:
            for ph in (ph1, ph2):
                await _reply(twilio, urls["notifier"], ph, "2")
            await tail.wait_for(lambda e: e.type == "iop.reschedule.offered.v1", count=2, timeout=30)
            await eventually(lambda: _offers(twilio, ph1) and _offers(twilio, ph2), timeout=15)
            assert "Reply A to pick one" in _offers(twilio, ph1)[0]
            for ph in (ph1, ph2):
                await _reply(twilio, urls["notifier"], ph, "A")
            [held] = await tail.wait_for(lambda e: e.type == "iop.reschedule.requested.v1", timeout=30)
            [taken] = await tail.wait_for(lambda e: e.type == "iop.reschedule.closed.v1", timeout=30)
            assert taken.data.outcome == "taken" and taken.data.patient_id != held.data.patient_id  # type: ignore[attr-defined]
            loser = ph1 if taken.data.patient_id == p1 else ph2  # type: ignore[attr-defined]
            winner = ph2 if loser == ph1 else ph1
            await eventually(lambda: any("just taken" in m.body for m in twilio.to(loser)), timeout=15)

            # Nobody confirms: released at expiry, the patient told, the seat open again.
            [expired] = await tail.wait_for(lambda e: e.type == "iop.reschedule.closed.v1" and
                                            e.data.outcome == "expired", timeout=30)  # type: ignore[attr-defined]
            assert expired.data.hold_id == held.data.hold_id  # type: ignore[attr-defined]
            await eventually(lambda: any("could not be confirmed" in m.body for m in twilio.to(winner)), timeout=15)
            assert len([e for e in tail.events() if e.type == "iop.reschedule.requested.v1"]) == 1
        held_seats = await _held(database_url, urls, last)
        assert held_seats == 0


async def _held(database_url: str, urls: dict[str, str], slot_id: str) -> int:
    conn = await asyncpg.connect(database_url)
    try:
        schemas = await conn.fetch("SELECT table_schema FROM information_schema.tables WHERE table_name = 'holds'")
        for r in schemas:
            n = await conn.fetchval(f'SELECT held FROM "{r["table_schema"]}".slots WHERE slot_id = $1', slot_id)  # noqa: S608
            if n is not None:
                return int(n)
    finally:
        await conn.close()
    raise AssertionError("slot not found")
