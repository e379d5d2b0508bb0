"""Nothing dropped silently: a reminder that cannot be placed is published as dropped and kept in the plan API."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from iop_devkit.scheduler import patient, session
from iop_devkit.testing.kafka import TopicTail, publish, unique
from iop_scheduler.entrypoints.http import create_app
from iop_scheduler.handlers import ingest
from iop_shared.clock import FrozenClock
from iop_shared.contracts import Contract, Envelope
from iop_shared.contracts.outbound import ReminderDropped, ReminderDue
from iop_shared.contracts.topics import REMINDERS

QUIET = {"quiet_start": "08:00", "quiet_end": "21:00"}  # the defaults the demo runs with


def night_zone(now: datetime) -> str:
    """A fixed-offset zone where it is about 02:00 now: the demo's night-zone patient, whatever the hour."""
    for offset in range(-12, 15):
        name = f"Etc/GMT{'+' if offset <= 0 else '-'}{abs(offset)}"
        if now.astimezone(ZoneInfo(name)).hour == 2:
            return name
    raise AssertionError("every hour has a zone")


def of(pid: str) -> Any:
    def match(env: Envelope[Contract]) -> bool:
        return isinstance(env.data, ReminderDropped | ReminderDue) and env.data.patient_id == pid
    return match


@pytest.mark.integration
async def test_a_night_zone_reminder_that_cannot_be_placed_is_published_as_dropped_once(
        make_service: Any, kafka_bootstrap: str) -> None:
    service = await make_service(**QUIET)
    now = datetime.now(UTC)
    pid, sid, zone = unique("p"), unique("s"), night_zone(now)
    start = now + timedelta(hours=3)  # 05:00 local: quiet hours until the session starts
    async with TopicTail(kafka_bootstrap, REMINDERS.name) as tail:
        await publish(kafka_bootstrap, patient(pid, tz=zone), session(sid, start, [pid], tz=zone))
        [env] = await tail.wait_for(of(pid), timeout=20)
        # A replan (a newer patient revision) drops it again but does not report it twice.
        await publish(kafka_bootstrap, patient(pid, tz=zone, revision=2))
        await tail.settle(3.0)
        got = tail.events(of(pid))
    assert len(got) == 1 and isinstance(env.data, ReminderDropped)
    assert env.data.reason == "quiet_hours" and env.data.session_ids == [sid] and env.data.purpose == "upcoming_session"
    assert env.data.clinic_id == "clinic-a" and env.data.planned_for <= start
    transport = httpx.ASGITransport(app=create_app(service))
    async with httpx.AsyncClient(transport=transport, base_url="http://scheduler") as c:
        plan = (await c.get(f"/v1/patients/{pid}/reminders", headers={"Authorization": "Bearer tok-a"})).json()
    assert [(r["reminder_id"], r["status"], r["skip_reason"]) for r in plan] == [
        (env.data.reminder_id, "dropped", "quiet_hours")]


@pytest.mark.integration
async def test_a_reminder_that_falls_due_after_its_session_started_is_published_as_dropped(
        make_service: Any) -> None:
    t0 = datetime(2026, 6, 1, 14, 0, tzinfo=UTC)
    clock = FrozenClock(t0)
    service = await make_service(kafka=False, clock=clock, first_offsets="3h")
    await ingest.patient_upserted(service.deps, patient("p1"))
    await ingest.session_upserted(service.deps, session("s1", t0 + timedelta(hours=5), ["p1"]))
    clock.set(t0 + timedelta(hours=6))  # the scheduler was down until after the start
    assert await service.dispatcher.dispatch_due() == 0
    async with service.store.transaction() as repo:
        rows = await repo.conn.fetch("SELECT headers, value FROM outbox")
        plan = await repo.reminders_of("p1")
    events = [json.loads(r["value"]) for r in rows if json.loads(r["headers"])["ce_type"] == "iop.reminder.dropped.v1"]
    assert [(e["reason"], e["session_ids"], e["purpose"]) for e in events] == [
        ("session_started", ["s1"], "upcoming_session")]
    assert [(r["status"], r["skip_reason"]) for r in plan] == [("skipped", "expired")]
