"""A cadence arm over real PostgreSQL: its patients' plans carry the arm's offsets for the sessions of the
experiment's window (and programs); the control's patients, and other programs' sessions, keep the default."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from iop_devkit.scheduler import patient, session
from iop_scheduler.bootstrap import Service
from iop_scheduler.handlers import ingest
from iop_shared.clock import FrozenClock
from iop_shared.experiments import Experiment, assign

T0 = datetime(2026, 6, 1, 14, 0, tzinfo=UTC)  # 10:00 in New York
EXPERIMENT = {"experiment_id": "exp-cadence", "clinic_id": "clinic-a", "programs": ["prog-1"],
              "starts_at": "2026-06-01T00:00:00Z", "ends_at": "2026-07-01T00:00:00Z",
              "arms": [{"name": "control", "control": True}, {"name": "nudge", "cadence": ["48h", "2h"]}]}


def member(arm: str) -> str:
    e = Experiment.model_validate(EXPERIMENT)
    return next(p for p in (f"p-{i}" for i in range(500)) if assign(e, p).name == arm)


async def upcoming(service: Service, pid: str, sid: str, starts: datetime) -> list[timedelta]:
    """How long before session `sid` each of its pending session reminders is due."""
    async with service.store.transaction() as repo:
        rows = await repo.reminders_of(pid)
    return [starts - r["due_at"] for r in rows  # type: ignore[operator]
            if r["status"] == "pending" and r["purpose"] == "upcoming_session" and r["session_ids"] == [sid]]


@pytest.mark.integration
async def test_the_arms_patients_are_planned_with_its_cadence_and_the_controls_with_the_default(
        make_service: object) -> None:
    svc: Service = await make_service(kafka=False, clock=FrozenClock(T0), first_offsets="72h,24h",  # type: ignore[operator]
                                      checkin_enabled=False, cap_per_day=0, cap_per_week=0,
                                      experiments=[EXPERIMENT])
    nudged, control = member("nudge"), member("control")
    soon, later = T0 + timedelta(days=5), T0 + timedelta(days=20)
    for pid in (nudged, control):
        await ingest.patient_upserted(svc.deps, patient(pid))
        await ingest.session_upserted(svc.deps, session(f"s-{pid}", soon, [pid]))
    other = session(f"o-{nudged}", later, [nudged])  # another program's session, after the gap: a first one
    await ingest.session_upserted(svc.deps, replace(other, data=other.data.model_copy(update={"program_id": "p2"})))
    assert await upcoming(svc, nudged, f"s-{nudged}", soon) == [timedelta(hours=48), timedelta(hours=2)]
    assert await upcoming(svc, control, f"s-{control}", soon) == [timedelta(hours=72), timedelta(hours=24)]
    assert await upcoming(svc, nudged, f"o-{nudged}", later) == [timedelta(hours=72), timedelta(hours=24)]
