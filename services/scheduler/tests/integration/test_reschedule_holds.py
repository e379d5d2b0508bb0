"""Slots, offers and holds over real PostgreSQL: the last seat goes to exactly one of many racing patients, offers
respect program, kind and allowed hours, another clinic's slot is refused, an expired hold gives its seat back."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from iop_devkit.scheduler import patient, session
from iop_scheduler.bootstrap import Service
from iop_scheduler.handlers import ingest, reschedule
from iop_shared.clock import FrozenClock
from iop_shared.contracts import Envelope, TenantMismatch, clinic_source
from iop_shared.contracts.inbound import ClinicUpserted, QuietHours, SessionKind
from iop_shared.contracts.outbound import CheckinIntent, CheckinReceived
from iop_shared.contracts.reschedule import RescheduleChosen, SlotUpserted

pytestmark = pytest.mark.integration
T0 = datetime(2026, 6, 1, 14, 0, tzinfo=UTC)  # 10:00 in New York
RACERS = 12


@pytest.fixture
async def svc(make_service: object) -> Service:
    return await make_service(kafka=False, clock=FrozenClock(T0), reschedule_hold_ttl="1h")  # type: ignore[operator]


def slot(slot_id: str, starts: datetime, capacity: int = 1, clinic: str = "clinic-a",
         kind: SessionKind = SessionKind.group) -> Envelope[SlotUpserted]:
    return Envelope(SlotUpserted(slot_id=slot_id, clinic_id=clinic, program_id="prog-1", kind=kind,
                                 starts_at=starts, ends_at=starts + timedelta(hours=1), capacity=capacity,
                                 revision=1), source=clinic_source(clinic, "test"))


def wants_other_time(pid: str, sid: str) -> Envelope[CheckinReceived]:
    return Envelope(CheckinReceived(checkin_id=f"chk-{pid}", patient_id=pid, intent=CheckinIntent.reschedule_request,
                                    session_ids=[sid], received_at=T0), source="iop/notifier")


async def test_many_patients_racing_for_the_last_seat_get_exactly_one_hold(svc: Service) -> None:
    d, pids = svc.deps, [f"p{i}" for i in range(RACERS)]
    await ingest.clinic_upserted(d, Envelope(ClinicUpserted(
        clinic_id="clinic-a", public_name="Harbor Health", callback_phone="+15555550100",
        timezone="America/New_York", default_locale="en", quiet_hours=QuietHours(start="08:00", end="21:00"),
        revision=1), source=clinic_source("clinic-a", "test")))
    for pid in pids:
        await ingest.patient_upserted(d, patient(pid))
    await ingest.session_upserted(d, session("s1", T0 + timedelta(days=3), pids))
    await reschedule.slot_upserted(d, slot("last", T0 + timedelta(days=2)))
    await reschedule.slot_upserted(d, slot("night", T0 + timedelta(days=2, hours=10)))  # 20:00-21:00 NY: fits
    await reschedule.slot_upserted(d, slot("late", T0 + timedelta(days=2, hours=11)))  # 21:00 NY: quiet hours
    await reschedule.slot_upserted(d, slot("solo", T0 + timedelta(days=1), kind=SessionKind.individual))
    for pid in pids:
        await ingest.checkin_received(d, wants_other_time(pid, "s1"))
    async with svc.store.transaction() as repo:
        offered = await repo.conn.fetch("SELECT slot_ids FROM reschedule_offers")
    assert len(offered) == RACERS and all(list(r["slot_ids"]) == ["last", "night"] for r in offered)

    await asyncio.gather(*(reschedule.chosen(d, Envelope(RescheduleChosen(
        offer_id=f"off-chk-{pid}", patient_id=pid, session_id="s1", slot_id="last", choice="A", chosen_at=T0),
        source="iop/notifier")) for pid in pids))
    async with svc.store.transaction() as repo:
        holds = await repo.conn.fetch("SELECT * FROM holds")
        held = await repo.conn.fetchval("SELECT held FROM slots WHERE slot_id = 'last'")
        events = [r["topic"] for r in await repo.conn.fetch("SELECT topic FROM outbox")]
    assert len(holds) == 1 and held == 1
    assert len([t for t in events if t.endswith("iop.reschedules.v1")]) == RACERS * 2  # offers + 1 hold + taken

    # Nobody confirms: at expiry the hold is released and the seat is open again.
    svc.deps.clock.advance(timedelta(hours=2))  # type: ignore[attr-defined]
    assert await reschedule.release_expired(d) == 1
    async with svc.store.transaction() as repo:
        assert await repo.conn.fetchval("SELECT held FROM slots WHERE slot_id = 'last'") == 0
        assert await repo.conn.fetchval("SELECT state FROM holds") == "released"
    assert await reschedule.release_expired(d) == 0


async def test_a_slot_of_another_clinic_is_refused(svc: Service) -> None:
    await reschedule.slot_upserted(svc.deps, slot("s-b", T0 + timedelta(days=2), clinic="clinic-b"))
    takeover = slot("s-b", T0 + timedelta(days=2), clinic="clinic-a")
    takeover = Envelope(takeover.data.model_copy(update={"revision": 2}), source=takeover.source)
    with pytest.raises(TenantMismatch):
        await reschedule.slot_upserted(svc.deps, takeover)
    forged = Envelope(slot("s-c", T0, clinic="clinic-a").data, source=clinic_source("clinic-b", "test"))
    with pytest.raises(TenantMismatch):
        await reschedule.slot_upserted(svc.deps, forged)
