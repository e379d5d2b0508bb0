"""Waitlist backfill with the scheduler and the notifier as processes, over real Kafka and PostgreSQL.

A seat of a session with capacity is released by the clinic's upsert -> each waitlisted patient gets one
lock-screen-safe "Reply YES" text -> the first YES is held and published as iop.reschedule.requested.v1, the
later one told it was taken -> the clinic's upsert seating the winner consumes the hold.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.scheduler import session
from iop_devkit.testing.kafka import TopicTail, eventually, publish
from iop_shared.contracts import Envelope
from iop_shared.contracts.inbound import SessionUpserted
from iop_shared.contracts.topics import RESCHEDULES

from .test_reschedule_processes import _booked, _reply, _stack

pytestmark = pytest.mark.e2e


def _with_waitlist(sid: str, starts: datetime, attendees: list[str], waitlist: list[str],
                   revision: int) -> Envelope[SessionUpserted]:
    env = session(sid, starts, attendees, revision=revision)
    data = SessionUpserted.model_validate({**env.data.model_dump(), "capacity": 1, "waitlist": waitlist})
    return Envelope(data=data, source=env.source)


async def _scheduler_knows(database_url: str, pids: list[str]) -> bool:
    """Every patient is the clinic's in the scheduler (its own topic: a waitlisted unknown id is offered nothing)."""
    conn = await asyncpg.connect(database_url)
    try:
        for r in await conn.fetch("SELECT table_schema FROM information_schema.tables WHERE table_name = 'holds'"):
            n = await conn.fetchval(f'SELECT count(*) FROM "{r["table_schema"]}".patients'  # noqa: S608
                                    " WHERE patient_id = ANY($1::text[]) AND clinic_id = 'clinic-a'", pids)
            if n == len(pids):
                return True
        return False
    finally:
        await conn.close()


def _texts(twilio: TwilioFake, phone: str, words: str) -> list[str]:
    return [m.body for m in twilio.to(phone) if words in m.body]


async def test_a_released_seat_is_offered_to_the_waitlist_and_the_first_yes_is_requested(
        kafka_bootstrap: str, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p1, w1, w2 = b.uid("pt"), b.uid("pt"), b.uid("pt")
    phones = {p1: b.phone(), w1: b.phone(), w2: b.phone()}
    sid = b.uid("ses")
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=6)
    async with TwilioFake() as twilio, _stack(kafka_bootstrap, database_url, tmp_path, twilio, monkeypatch) as urls:
        await _booked(kafka_bootstrap, twilio, phones, b.uid("ses"))  # the notifier knows all three patients
        await eventually(lambda: _scheduler_knows(database_url, [w1, w2]), timeout=15)
        async with TopicTail(kafka_bootstrap, RESCHEDULES.name) as tail:
            await publish(kafka_bootstrap, _with_waitlist(sid, starts, [p1], [w1, w2], 1),
                          _with_waitlist(sid, starts, [], [w1, w2], 2))  # p1 taken off: a seat released
            offered = await tail.wait_for(lambda e: e.type == "iop.waitlist.offered.v1", count=2, timeout=20)
            assert {e.data.patient_id for e in offered} == {w1, w2}  # type: ignore[attr-defined]
            await eventually(lambda: _texts(twilio, phones[w1], "a place opened"), timeout=15)
            [text] = _texts(twilio, phones[w1], "a place opened")
            assert "Reply YES to take it" in text and len(text) <= 160 and "wl-" not in text

            await _reply(twilio, urls["notifier"], phones[w1], "YES")
            [held] = await tail.wait_for(lambda e: e.type == "iop.reschedule.requested.v1", timeout=20)
            assert (held.data.patient_id, held.data.session_id, held.data.slot_starts_at) == (  # type: ignore[attr-defined]
                w1, sid, starts)
            await eventually(lambda: _texts(twilio, phones[w1], "save you the place"), timeout=15)

            await eventually(lambda: _texts(twilio, phones[w2], "a place opened"), timeout=15)
            await _reply(twilio, urls["notifier"], phones[w2], "yes")
            await eventually(lambda: _texts(twilio, phones[w2], "just taken"), timeout=15)

            await publish(kafka_bootstrap, _with_waitlist(sid, starts, [w1], [w2], 3))  # the clinic confirms
            [closed] = await tail.wait_for(lambda e: e.type == "iop.reschedule.closed.v1" and
                                           e.data.outcome == "confirmed", timeout=20)  # type: ignore[attr-defined]
            assert closed.data.hold_id == held.data.hold_id  # type: ignore[attr-defined]
