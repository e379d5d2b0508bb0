"""A clinic change replans every patient, even when a replan fails part-way (no replan is lost to the inbox)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from iop_devkit.scheduler import patient, session
from iop_scheduler.bootstrap import Service
from iop_scheduler.handlers import ingest, planning, replans
from iop_shared.clock import FrozenClock
from iop_shared.contracts import Envelope
from iop_shared.contracts.inbound import ClinicUpserted, QuietHours
from iop_shared.contracts.tenancy import clinic_source

T0 = datetime(2026, 6, 1, 14, 0, tzinfo=UTC)  # 10:00 in New York
PATIENTS = [f"p{i}" for i in range(7)]


async def dues(service: Service, pid: str) -> list[datetime]:
    async with service.store.transaction() as repo:
        return [r["due_at"] for r in await repo.reminders_of(pid) if r["status"] == "pending"]


@pytest.mark.integration
async def test_a_replan_failing_midway_is_resumed_by_the_sweep_not_lost(make_service: Any,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    svc: Service = await make_service(kafka=False, clock=FrozenClock(T0), first_offsets="72h,24h")
    d = svc.deps
    for pid in PATIENTS:
        await ingest.patient_upserted(d, patient(pid))
        await ingest.session_upserted(d, session(f"s-{pid}", T0 + timedelta(days=5, hours=6), [pid]))
    before = {pid: await dues(svc, pid) for pid in PATIENTS}
    calls = 0
    real = planning.replan

    async def flaky(*args: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 4:
            raise ConnectionResetError("the database went away midway")
        return await real(*args)

    monkeypatch.setattr(replans, "replan", flaky)
    monkeypatch.setattr(ingest, "replan", flaky)  # where the replans ran before they were queued
    clinic = Envelope(data=ClinicUpserted(clinic_id="clinic-a", public_name="Clinic", callback_phone="+15555550100",
                                          timezone="America/New_York",
                                          quiet_hours=QuietHours(start="09:00", end="12:00"), revision=1),
                      source=clinic_source("clinic-a", "test"))
    monkeypatch.setattr(replans, "BATCH", 3)
    with pytest.raises(ConnectionResetError):
        await ingest.clinic_upserted(d, clinic)
    await ingest.clinic_upserted(d, clinic)  # the redelivery: skipped by the inbox, as before
    await svc.dispatcher.dispatch_due()  # the sweep works off what is still owed
    after = {pid: await dues(svc, pid) for pid in PATIENTS}
    expected = [T0 + timedelta(days=2, hours=1, minutes=59), T0 + timedelta(days=4, hours=1, minutes=59)]
    assert all(before[pid] == [T0 + timedelta(days=2, hours=6), T0 + timedelta(days=4, hours=6)] for pid in PATIENTS)
    assert after == {pid: expected for pid in PATIENTS}
    async with svc.store.transaction() as repo:
        assert await repo.conn.fetchval("SELECT count(*) FROM replan_queue") == 0
