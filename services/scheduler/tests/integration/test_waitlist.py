"""Waitlist backfill over real PostgreSQL (and Kafka for the race): a released seat is offered to the clinic's
waitlist in order, two waitlisted patients racing for it on two replicas get exactly one hold, the clinic's
upsert seating the winner consumes it, an expired claim offers the seat again, another clinic's patient gets
nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from iop_devkit.scheduler import cancel, patient, session
from iop_devkit.testing.kafka import TopicTail, eventually, publish, unique
from iop_scheduler.bootstrap import Service
from iop_scheduler.handlers import ingest, reschedule
from iop_shared.clock import FrozenClock
from iop_shared.contracts import Contract, Envelope, TenantMismatch
from iop_shared.contracts.inbound import SessionUpserted
from iop_shared.contracts.reschedule import (
    RescheduleChosen,
    RescheduleClosed,
    RescheduleOutcome,
    RescheduleRequested,
    WaitlistOffered,
)
from iop_shared.contracts.topics import RESCHEDULES

pytestmark = pytest.mark.integration
T0 = datetime(2026, 6, 1, 14, 0, tzinfo=UTC)


def seated(sid: str, starts: datetime, attendees: list[str], waitlist: list[str], revision: int,
           capacity: int = 2) -> Envelope[SessionUpserted]:
    env = session(sid, starts, attendees, revision=revision)
    data = SessionUpserted.model_validate({**env.data.model_dump(), "capacity": capacity, "waitlist": waitlist})
    return Envelope(data=data, source=env.source)


def yes(offer_id: str, pid: str, sid: str, slot_id: str) -> Envelope[RescheduleChosen]:
    return Envelope(RescheduleChosen(offer_id=offer_id, patient_id=pid, session_id=sid, slot_id=slot_id,
                                     choice="A", chosen_at=datetime.now(UTC)), source="iop/notifier")


@pytest.fixture
async def svc(make_service: object) -> Service:
    return await make_service(kafka=False, clock=FrozenClock(T0), reschedule_hold_ttl="1h")  # type: ignore[operator,no-any-return]


async def _offers(svc: Service) -> list[str]:
    async with svc.store.transaction() as repo:
        rows = await repo.conn.fetch("SELECT patient_id FROM reschedule_offers ORDER BY offered_at, patient_id")
    return [r["patient_id"] for r in rows]


async def test_a_released_seat_goes_to_the_waitlist_then_back_to_it_at_expiry(svc: Service) -> None:
    d, starts = svc.deps, T0 + timedelta(days=3)
    for pid in ("p1", "p2", "w1", "w2"):
        await ingest.patient_upserted(d, patient(pid))
    await ingest.patient_upserted(d, patient("other", clinic="clinic-b"))
    await ingest.session_upserted(d, seated("s1", starts, ["p1", "p2"], ["w1", "w2", "ghost"], 1))
    assert await _offers(svc) == []  # full: nothing released
    await ingest.session_upserted(d, seated("s1", starts, ["p1"], ["w1", "w2", "ghost"], 2))
    assert sorted(await _offers(svc)) == ["w1", "w2"]  # an unknown id gets nothing

    async with svc.store.transaction() as repo:
        offers = {r["patient_id"]: r for r in await repo.conn.fetch("SELECT * FROM reschedule_offers")}
    await reschedule.chosen(d, yes(offers["w2"]["offer_id"], "w2", "s1", "wl-s1"))
    await reschedule.chosen(d, yes(offers["w1"]["offer_id"], "w1", "s1", "wl-s1"))
    async with svc.store.transaction() as repo:
        assert [r["patient_id"] for r in await repo.conn.fetch("SELECT patient_id FROM holds")] == ["w2"]

    # Unconfirmed: the claim expires, the seat is offered again (w1's offer is still open, so only w1 may take it).
    d.clock.advance(timedelta(hours=2))  # type: ignore[attr-defined]
    assert await reschedule.release_expired(d) == 1
    await reschedule.chosen(d, yes(offers["w1"]["offer_id"] + "x", "w1", "s1", "wl-s1"))  # no such offer
    async with svc.store.transaction() as repo:
        assert await repo.conn.fetchval("SELECT held FROM slots WHERE slot_id = 'wl-s1'") == 0
        assert await repo.conn.fetchval("SELECT count(*) FROM reschedule_offers") == 2  # w2 had its turn

    # The clinic lists a freed patient instead, then seats w1 after a fresh release: the hold is consumed.
    await ingest.session_upserted(d, seated("s1", starts, ["p1", "p2"], ["w1"], 3))
    await ingest.session_upserted(d, seated("s1", starts, ["p1"], ["w1"], 4))
    async with svc.store.transaction() as repo:
        fresh = await repo.conn.fetchval(
            "SELECT offer_id FROM reschedule_offers WHERE patient_id = 'w1' ORDER BY offered_at DESC LIMIT 1")
    await reschedule.chosen(d, yes(fresh, "w1", "s1", "wl-s1"))
    await ingest.session_upserted(d, seated("s1", starts, ["p1", "w1"], [], 5))
    async with svc.store.transaction() as repo:
        states = {r["patient_id"]: r["state"] for r in await repo.conn.fetch("SELECT patient_id, state FROM holds")}
        assert await repo.conn.fetchval("SELECT (capacity, held)::text FROM slots WHERE slot_id = 'wl-s1'") == "(0,0)"
    assert states == {"w1": "consumed", "w2": "released"}


async def test_no_seat_of_a_cancelled_session_or_one_without_capacity_can_be_taken(svc: Service) -> None:
    d, starts = svc.deps, T0 + timedelta(days=3)
    for pid in ("p1", "p2", "w1", "w2"):
        await ingest.patient_upserted(d, patient(pid))
    for sid in ("s3", "s4"):
        await ingest.session_upserted(d, seated(sid, starts, ["p1", "p2"], ["w1", "w2"], 1))
        await ingest.session_upserted(d, seated(sid, starts, ["p1"], ["w1", "w2"], 2))
    await ingest.session_cancelled(d, cancel("s3", 3))
    plain = session("s4", starts, ["p1"], revision=3)  # the clinic withdraws the capacity
    await ingest.session_upserted(d, plain)
    async with svc.store.transaction() as repo:
        offers = await repo.conn.fetch("SELECT offer_id, patient_id, session_id FROM reschedule_offers")
    assert len(offers) == 4
    for o in offers:
        await reschedule.chosen(d, yes(o["offer_id"], o["patient_id"], o["session_id"], f"wl-{o['session_id']}"))
    async with svc.store.transaction() as repo:
        assert await repo.conn.fetchval("SELECT count(*) FROM holds") == 0
        assert await repo.conn.fetchval("SELECT count(*) FROM outbox WHERE topic LIKE '%reschedules%'") == 8


async def test_another_clinics_patient_on_a_waitlist_is_refused(svc: Service) -> None:
    await ingest.patient_upserted(svc.deps, patient("other", clinic="clinic-b"))
    with pytest.raises(TenantMismatch) as err:
        await ingest.session_upserted(svc.deps, seated("s2", T0 + timedelta(days=3), ["p1"], ["other"], 1))
    assert "waitlist.0" in str(err.value) and "other" not in str(err.value).replace("another", "")
    assert await _offers(svc) == []


def _of(*types: type[Contract]) -> object:
    return lambda env: isinstance(env.data, types)


async def test_two_waitlisted_patients_racing_on_two_replicas_get_exactly_one_seat(
        make_service: object, kafka_bootstrap: str) -> None:
    replicas = [await make_service() for _ in range(2)]  # type: ignore[operator]
    sid, racers = unique("s"), [unique("w"), unique("w")]
    starts = datetime.now(UTC) + timedelta(days=2)

    async def known() -> bool:  # patients and sessions are separate topics: only a known patient is offered
        async with replicas[0].store.transaction() as repo:
            n = await repo.conn.fetchval("SELECT count(*) FROM patients WHERE patient_id = ANY($1::text[])"
                                         " AND clinic_id = 'clinic-a'", racers)
        return bool(n == len(racers))

    async with TopicTail(kafka_bootstrap, RESCHEDULES.name) as tail:
        await publish(kafka_bootstrap, *(patient(p) for p in ["p1", "p2", *racers]))
        await eventually(known)
        await publish(kafka_bootstrap, seated(sid, starts, ["p1", "p2"], racers, 1))
        await publish(kafka_bootstrap, seated(sid, starts, ["p1"], racers, 2))
        offered = await tail.wait_for(_of(WaitlistOffered), count=2)  # type: ignore[arg-type]
        claims = [yes(e.data.offer_id, e.data.patient_id, sid, e.data.slot_id) for e in offered
                  if isinstance(e.data, WaitlistOffered)]
        assert sorted(c.data.patient_id for c in claims) == sorted(racers)
        await publish(kafka_bootstrap, *claims)
        await tail.wait_for(_of(RescheduleRequested, RescheduleClosed), count=2)  # type: ignore[arg-type]
        await tail.settle(1.0)
    won = [e.data for e in tail.events() if isinstance(e.data, RescheduleRequested)]
    lost = [e.data for e in tail.events() if isinstance(e.data, RescheduleClosed)]
    assert len(won) == 1 and len(lost) == 1 and lost[0].outcome is RescheduleOutcome.taken
    assert won[0].session_id == sid and won[0].slot_starts_at == starts and won[0].patient_id != lost[0].patient_id
