"""Use cases over real PostgreSQL with a frozen clock: revisions, replans, notices, dispatch decisions."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from iop_devkit.scheduler import cancel, patient, session
from iop_scheduler.bootstrap import Service
from iop_scheduler.handlers import ingest
from iop_shared.clock import FrozenClock
from iop_shared.contracts import Envelope, clinic_source
from iop_shared.contracts.inbound import ClinicUpserted, QuietHours
from iop_shared.contracts.outbound import CheckinIntent, CheckinReceived

T0 = datetime(2026, 6, 1, 14, 0, tzinfo=UTC)  # 10:00 in New York


async def plan_rows(service: Service, pid: str) -> list[dict[str, object]]:
    async with service.store.transaction() as repo:
        return await repo.reminders_of(pid)


async def outbox_ids(service: Service) -> list[str]:
    async with service.store.transaction() as repo:
        return [r["event_id"] for r in await repo.conn.fetch("SELECT event_id FROM outbox ORDER BY id")]


def pending(rows: list[dict[str, object]]) -> list[tuple[object, object]]:
    return [(r["purpose"], r["due_at"]) for r in rows if r["status"] == "pending"]


@pytest.fixture
async def svc(make_service: object) -> Service:
    clock = FrozenClock(T0)
    return await make_service(kafka=False, clock=clock, first_offsets="72h,24h")  # type: ignore[operator]


@pytest.mark.integration
async def test_upsert_plans_and_ignores_stale_and_duplicate_events(svc: Service) -> None:
    d = svc.deps
    await ingest.patient_upserted(d, patient("p1"))
    first = session("s1", T0 + timedelta(days=5), ["p1"], revision=2)
    await ingest.session_upserted(d, first)
    planned = pending(await plan_rows(svc, "p1"))
    assert planned == [("upcoming_session", T0 + timedelta(days=2)), ("upcoming_session", T0 + timedelta(days=4))]
    await ingest.session_upserted(d, first)  # redelivered: same event id
    await ingest.session_upserted(d, session("s1", T0 + timedelta(days=9), ["p1"], revision=1))  # older
    assert pending(await plan_rows(svc, "p1")) == planned


@pytest.mark.integration
async def test_reschedule_replaces_the_plan_and_tells_the_patient(svc: Service) -> None:
    d, clock = svc.deps, svc.deps.clock
    assert isinstance(clock, FrozenClock)
    await ingest.patient_upserted(d, patient("p1"))
    await ingest.session_upserted(d, session("s1", T0 + timedelta(days=5), ["p1"], revision=1))
    await ingest.session_upserted(d, session("s1", T0 + timedelta(days=6), ["p1"], revision=2))
    rows = await plan_rows(svc, "p1")
    assert pending(rows) == [("session_changed", T0 + timedelta(seconds=60)),  # after the settle window
                             ("upcoming_session", T0 + timedelta(days=3)),
                             ("upcoming_session", T0 + timedelta(days=5))]
    assert sum(r["status"] == "cancelled" for r in rows) == 2
    clock.set(T0 + timedelta(minutes=1))
    assert await svc.dispatcher.dispatch_due() == 1  # the change notice goes once the window has settled
    clock.set(T0 + timedelta(days=7))  # the scheduler was down: the session started a day ago
    assert await svc.dispatcher.dispatch_due() == 0
    rows = await plan_rows(svc, "p1")
    assert {(r["purpose"], r["status"], r["skip_reason"]) for r in rows if r["status"] != "cancelled"} == {
        ("session_changed", "dispatched", None), ("upcoming_session", "skipped", "expired")}


@pytest.mark.integration
async def test_cancellation_removed_attendee_and_discharge(svc: Service) -> None:
    d = svc.deps
    for pid in ("p1", "p2", "p3"):
        await ingest.patient_upserted(d, patient(pid))
    await ingest.session_upserted(d, session("s1", T0 + timedelta(days=1), ["p1", "p2", "p3"], revision=1))
    await ingest.session_upserted(d, session("s1", T0 + timedelta(days=1, hours=1), ["p1", "p2", "p3"], revision=2))
    assert [p for p, _ in pending(await plan_rows(svc, "p3"))].count("session_changed") == 1
    await ingest.session_upserted(d, session("s1", T0 + timedelta(days=1), ["p1", "p2"], revision=3))
    assert pending(await plan_rows(svc, "p3")) == []  # removed: reminders and the unsent notice withdrawn
    await ingest.patient_upserted(d, patient("p2", revision=2, discharged=True))
    assert pending(await plan_rows(svc, "p2")) == []
    await ingest.session_cancelled(d, cancel("s1", revision=4))
    rows = await plan_rows(svc, "p1")
    assert [(r["purpose"], r["urgent"]) for r in rows if r["status"] == "pending"] == [("session_cancelled", True)]
    assert pending(await plan_rows(svc, "p2")) == []
    await ingest.session_upserted(d, session("s1", T0 + timedelta(days=1), ["p1", "p2"], revision=3))  # stale
    assert [r["purpose"] for r in await plan_rows(svc, "p1") if r["status"] == "pending"] == ["session_cancelled"]


@pytest.mark.integration
async def test_a_confirmation_removes_the_24h_reminder_in_a_busy_week(make_service: object) -> None:
    svc: Service = await make_service(kafka=False, clock=FrozenClock(T0), cap_per_week=0, cap_per_day=0)  # type: ignore[operator]
    d = svc.deps
    await ingest.patient_upserted(d, patient("p1"))
    await ingest.session_upserted(d, session("s0", T0 - timedelta(days=2), ["p1"]))
    for i, day in enumerate((7, 9, 11), start=1):  # Mon, Wed, Fri of the next week
        await ingest.session_upserted(d, session(f"s{i}", T0 + timedelta(days=day), ["p1"]))
    before = [r["session_ids"] for r in await plan_rows(svc, "p1") if r["status"] == "pending"]
    checkin = CheckinReceived(checkin_id="c1", patient_id="p1", intent=CheckinIntent.confirm, session_ids=["s2"],
                              received_at=T0)
    await ingest.checkin_received(d, Envelope(data=checkin, source="iop/notifier"))
    after = [r["session_ids"] for r in await plan_rows(svc, "p1") if r["status"] == "pending"]
    assert ["s2"] in before and ["s2"] not in after
    assert ["s1", "s2", "s3"] in after  # the weekly schedule message stays


@pytest.mark.integration
async def test_no_stale_reminder_is_claimed_after_a_replan_commits(svc: Service) -> None:
    d, clock = svc.deps, svc.deps.clock
    assert isinstance(clock, FrozenClock)
    await ingest.patient_upserted(d, patient("p1"))
    await ingest.session_upserted(d, session("s1", T0 + timedelta(days=5), ["p1"], revision=1))
    clock.set(T0 + timedelta(days=3, hours=1))  # the 24 h reminder of the old plan is due
    replanning = asyncio.Event()
    release = asyncio.Event()
    original = svc.store.transaction

    async def slow_replan() -> None:
        async with original() as repo:
            await repo.lock_patient("p1")
            await repo.replace_plan("p1", ())  # withdraw everything, as a reschedule would
            replanning.set()
            await release.wait()

    task = asyncio.create_task(slow_replan())
    await replanning.wait()
    assert await svc.dispatcher.dispatch_due() == 0  # the rows are locked by the uncommitted replan: skipped
    release.set()
    await task
    assert await svc.dispatcher.dispatch_due() == 0  # after it commits they are withdrawn
    assert await outbox_ids(svc) == []


@pytest.mark.integration
async def test_a_clinic_quiet_hours_override_replans_its_patients(svc: Service) -> None:
    d = svc.deps
    await ingest.patient_upserted(d, patient("p1"))
    await ingest.session_upserted(d, session("s1", T0 + timedelta(days=5, hours=6), ["p1"]))  # 16:00 in New York
    before = [due for _, due in pending(await plan_rows(svc, "p1"))]
    clinic = ClinicUpserted(clinic_id="clinic-a", public_name="Clinic", callback_phone="+15555550100",
                            timezone="America/New_York", quiet_hours=QuietHours(start="09:00", end="12:00"),
                            revision=1)
    await ingest.clinic_upserted(d, Envelope(data=clinic, source=clinic_source(clinic.clinic_id, "test")))
    after = [due for _, due in pending(await plan_rows(svc, "p1"))]
    assert before == [T0 + timedelta(days=2, hours=6), T0 + timedelta(days=4, hours=6)]
    assert after == [T0 + timedelta(days=2, hours=1, minutes=59), T0 + timedelta(days=4, hours=1, minutes=59)]


@pytest.mark.integration
async def test_a_cancellation_reverted_and_a_move_undone_within_the_settle_window_send_nothing(svc: Service) -> None:
    d, clock = svc.deps, svc.deps.clock
    assert isinstance(clock, FrozenClock)
    start = T0 + timedelta(hours=5)
    await ingest.patient_upserted(d, patient("p1"))
    await ingest.session_upserted(d, session("s1", start, ["p1"], revision=1))
    clock.set(T0 + timedelta(minutes=10))
    assert await svc.dispatcher.dispatch_due() == 1  # the catch-up reminder of the booking
    await ingest.session_cancelled(d, cancel("s1", revision=2))
    await ingest.session_upserted(d, session("s1", start, ["p1"], revision=3))  # reverted 0 s later
    await ingest.session_upserted(d, session("s1", start + timedelta(hours=1), ["p1"], revision=4))
    await ingest.session_upserted(d, session("s1", start, ["p1"], revision=5))  # and moved back
    clock.set(T0 + timedelta(minutes=20))
    assert await svc.dispatcher.dispatch_due() == 0
    rows = await plan_rows(svc, "p1")
    assert [r["purpose"] for r in rows if r["status"] in ("pending", "dispatched")] == ["upcoming_session"]
    assert {r["skip_reason"] for r in rows if r["purpose"] in ("session_changed", "session_cancelled")} == {
        "superseded"}
