"""A run of session upserts applied set-based gives what applying them one by one gives, once per event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from iop_devkit.scheduler import patient, session
from iop_scheduler.bootstrap import Service
from iop_scheduler.handlers import ingest
from iop_scheduler.handlers.replans import drain_replans_set_based
from iop_scheduler.handlers.session_batch import sessions_upserted
from iop_shared.clock import FrozenClock

T0 = datetime(2026, 6, 1, 14, 0, tzinfo=UTC)  # 10:00 in New York


def run(tag: str) -> list[Any]:
    """Three patients on two group sessions; one session moves twice and loses an attendee in the same run."""
    p = [f"{tag}-p{i}" for i in range(3)]
    day = T0 + timedelta(days=3)
    return [session(f"{tag}-s1", day, p), session(f"{tag}-s2", day + timedelta(days=2), p[:2]),
            session(f"{tag}-s1", day + timedelta(hours=2), p, revision=2),
            session(f"{tag}-s1", day + timedelta(hours=3), p[:2], revision=3),
            session(f"{tag}-s2", day + timedelta(days=2), p[:2])]  # older than what is stored: stale


async def plans(svc: Service, tag: str) -> dict[str, list[tuple[object, object, object]]]:
    """What each patient's plan holds (one by one also leaves the rows of intermediate plans, cancelled)."""
    async with svc.store.transaction() as repo:
        return {f"p{i}": sorted((r["purpose"], r["due_at"], r["status"])
                                for r in await repo.reminders_of(f"{tag}-p{i}") if r["status"] != "cancelled")
                for i in range(3)}


@pytest.mark.integration
async def test_a_batched_run_plans_as_one_by_one_and_a_redelivery_changes_nothing(make_service: Any) -> None:
    svc: Service = await make_service(kafka=False, clock=FrozenClock(T0), first_offsets="72h,24h")
    d = svc.deps
    for tag in ("one", "set"):
        for i in range(3):
            await ingest.patient_upserted(d, patient(f"{tag}-p{i}"))
    # First the sessions, then the moves: the moves find stored sessions and owe notices.
    one, batched = run("one"), run("set")
    for env in one:
        await ingest.session_upserted(d, env)
    d.replans_owed = lambda: None  # as with the drainer running: the run only queues the replans
    await sessions_upserted(d, batched[:2])
    await sessions_upserted(d, batched[2:])
    async with svc.store.transaction() as repo:
        owed = sorted(pid for pid, _ in await repo.claim_replans(100))
    assert owed == ["set-p0", "set-p1", "set-p2"]  # each patient queued once, however many sessions list them
    await drain_replans_set_based(d)
    expected = await plans(svc, "one")
    assert any(purpose == "session_changed" for purpose, _, _ in expected["p0"])  # the move is told
    assert all(purpose != "session_changed" for purpose, _, _ in expected["p2"])  # not to who was taken off
    assert await plans(svc, "set") == expected

    await sessions_upserted(d, batched)  # redelivered whole: the inbox skips every event
    async with svc.store.transaction() as repo:
        assert await repo.conn.fetchval("SELECT count(*) FROM replan_queue") == 0
    assert await plans(svc, "set") == expected


@pytest.mark.integration
async def test_the_drainer_leaves_patients_still_being_loaded_for_a_later_drain(make_service: Any) -> None:
    svc: Service = await make_service(kafka=False, clock=FrozenClock(T0), first_offsets="72h,24h")
    d = svc.deps
    d.replans_owed = lambda: None  # the run only queues the replans
    await ingest.patient_upserted(d, patient("load-p0"))
    await sessions_upserted(d, [session("load-s1", T0 + timedelta(days=3), ["load-p0"])])
    # Touched just now: a drain of patients quiet for a minute plans nobody and keeps the replan owed.
    assert await drain_replans_set_based(d, settled=timedelta(minutes=1)) == []
    async with svc.store.transaction() as repo:
        assert [pid for pid, _ in await repo.claim_replans(10)] == ["load-p0"]
        assert await repo.replans_owed_at_least(1)
        assert not await repo.replans_owed_at_least(2)
    planned = await drain_replans_set_based(d, settled=timedelta(0))
    assert {r.patient_id for r in planned} == {"load-p0"}
    async with svc.store.transaction() as repo:
        assert not await repo.replans_owed()
