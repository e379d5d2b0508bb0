"""Durable timers and rule evaluation against real PostgreSQL, driven by a frozen clock (no Kafka)."""

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from iop_attendance.adapters import risk_repository
from iop_attendance.adapters.db import connection
from iop_attendance.bootstrap import Service, bootstrap
from iop_attendance.domain.model import Outcome
from iop_attendance.domain.ruleset import RuleSet
from iop_attendance.domain.timeline import weekly_hours
from iop_attendance.handlers import events
from iop_attendance.handlers.context import Context
from iop_attendance.handlers.timers import sweep
from iop_attendance.settings import Settings
from iop_devkit.attendance import T0, attendance_recorded, envelope, patient_upserted, session_upserted
from iop_devkit.testing.kafka import unique
from iop_shared.clock import FrozenClock
from iop_shared.contracts import Contract, Envelope
from iop_shared.contracts.inbound import AgeGroup, AttendanceStatus
from iop_shared.contracts.outbound import CheckinIntent, CheckinReceived, ReminderDue, ReminderPurpose

pytestmark = pytest.mark.integration


@pytest.fixture
async def replicas(settings: Settings) -> AsyncIterator[tuple[Service, Service, FrozenClock]]:
    clock = FrozenClock(T0)
    a = bootstrap(settings, clock, kafka=False, timers=False)
    b = bootstrap(settings.model_copy(update={"run_migrations": False}), clock, kafka=False, timers=False)
    await a.start()
    await b.start()
    yield a, b, clock
    await a.stop()
    await b.stop()


async def outbox_types(db: asyncpg.Connection) -> list[str]:
    rows = await db.fetch("SELECT headers FROM outbox ORDER BY id")
    return [json.loads(r["headers"])["ce_type"] for r in rows]


async def test_two_replicas_sweeping_at_once_publish_each_miss_once(
        replicas: tuple[Service, Service, FrozenClock], db: asyncpg.Connection) -> None:
    a, b, clock = replicas
    assert a.ctx is not None and b.ctx is not None
    patients = [f"p{i}" for i in range(60)]
    for n in range(3):
        env = envelope(session_upserted(f"s{n}", patients, T0 + timedelta(hours=n)))
        await events.handle(a.ctx, [env], events.sessions_changed)
    clock.advance(timedelta(hours=5))
    settled = await asyncio.gather(sweep(a.ctx, batch=17), sweep(b.ctx, batch=13), sweep(a.ctx, batch=50))
    assert sum(settled) == 180
    types = await outbox_types(db)
    assert types.count("iop.visit.missed.v1") == 180
    assert await sweep(b.ctx) == 0  # nothing left, nothing twice


async def test_hours_and_unanswered_checkins_through_the_database(
        replicas: tuple[Service, Service, FrozenClock], db: asyncpg.Connection, rules: RuleSet) -> None:
    a, _, clock = replicas
    ctx = a.ctx
    assert ctx is not None
    await events.handle(ctx, [envelope(patient_upserted("teen", age_group=AgeGroup.adolescent))],
                        events.patient_upserted)
    await events.handle(ctx, [envelope(patient_upserted("adult"))], events.patient_upserted)
    # Two weeks, three 3-hour sessions a week, each patient attends two: 6 h a week.
    for day in (0, 2, 4, 7, 9, 11):
        sid = f"s{day}"
        await events.handle(ctx, [envelope(session_upserted(sid, ["teen", "adult"], T0 + timedelta(days=day)))],
                            events.sessions_changed)
        clock.set(T0 + timedelta(days=day, hours=1))
        if day not in (4, 11):
            for p in ("teen", "adult"):
                await events.handle(ctx, [envelope(attendance_recorded(sid, p, AttendanceStatus.present, clock.now()))],
                                    events.attendance_recorded)
        await sweep(ctx)
    clock.set(T0 + timedelta(days=14, hours=1))
    for i in range(3):  # three check-in prompts, none answered
        prompt = ReminderDue(reminder_id=f"r{i}", patient_id="adult", purpose=ReminderPurpose.checkin_prompt,
                             due_at=T0 + timedelta(days=11 + i))
        await events.handle(ctx, [envelope(prompt)], events.reminder_due)
    flags = {(r["patient_id"], r["rule"]) for r in await db.fetch("SELECT patient_id, rule FROM flags")}
    assert ("adult", "hours_below_minimum") in flags
    assert ("teen", "hours_below_minimum") not in flags  # 6 h meets the adolescent minimum
    assert ("adult", "unanswered_checkins") in flags
    # Redelivering an applied event changes nothing.
    before = await db.fetchval("SELECT count(*) FROM outbox")
    again = envelope(patient_upserted("adult", revision=2))
    await events.handle(ctx, [again], events.patient_upserted)
    await events.handle(ctx, [again], events.patient_upserted)
    assert await db.fetchval("SELECT revision FROM patients WHERE patient_id = 'adult'") == 2
    assert await db.fetchval("SELECT count(*) FROM outbox") == before


async def test_a_run_with_a_repeated_event_applies_it_once(
        replicas: tuple[Service, Service, FrozenClock], db: asyncpg.Connection) -> None:
    a, _, clock = replicas
    ctx = a.ctx
    assert ctx is not None
    await events.handle(ctx, [envelope(session_upserted("s-dup", ["p1", "p2"], T0))], events.sessions_changed)
    clock.set(T0 + timedelta(hours=1))
    absent = envelope(attendance_recorded("s-dup", "p1", AttendanceStatus.absent, T0 + timedelta(minutes=1)))
    present = envelope(attendance_recorded("s-dup", "p2", AttendanceStatus.present, T0 + timedelta(minutes=2)))
    await events.handle(ctx, [absent, present, absent], events.attendance_recorded)
    await events.handle(ctx, [present, absent], events.attendance_recorded)  # the run redelivered
    assert await db.fetchval("SELECT count(*) FROM attendance_records") == 2
    assert (await outbox_types(db)).count("iop.visit.missed.v1") == 1  # p1, absent past its grace, once
    rows = await db.fetch("SELECT patient_id, status FROM visits WHERE session_id = 's-dup'")
    assert {r["patient_id"]: r["status"] for r in rows} == {"p1": "absent", "p2": "present"}


async def test_visits_read_back_carry_their_status_so_left_early_and_excused_count(
        replicas: tuple[Service, Service, FrozenClock]) -> None:
    a, _, clock = replicas
    ctx = a.ctx
    assert ctx is not None
    await events.handle(ctx, [envelope(session_upserted("s-le", ["p1", "p2"], T0))], events.sessions_changed)
    clock.set(T0 + timedelta(hours=4))
    await events.handle(ctx, [envelope(attendance_recorded("s-le", "p1", AttendanceStatus.left_early, T0)),
                              envelope(attendance_recorded("s-le", "p2", AttendanceStatus.excused, T0))],
                        events.attendance_recorded)
    async with connection(ctx.pool) as conn:
        histories = await risk_repository.histories_and_flags(conn, ["p1", "p2"], clock.now())
    left_early = histories["p1"][0].visits
    assert left_early[0].status is AttendanceStatus.left_early
    assert weekly_hours(left_early, "UTC")[0].attended_hours == 1.5  # half of the 3-hour session
    assert histories["p2"][0].visits[0].outcome is Outcome.excused



async def test_the_timer_hears_of_a_due_time_only_after_it_is_committed(service: Service) -> None:
    """A wake inside the transaction let the sweep run before the commit, see nothing and leave the visit to the
    interval sweep (minutes later): the handler's wakes reach the timer once its transaction is over."""
    assert service.ctx is not None
    wakes: list[datetime] = []
    during: list[int] = []
    due = datetime.now(UTC) + timedelta(minutes=1)

    async def apply(conn: asyncpg.Connection, ctx: Context, envs: list[Envelope[Contract]]) -> list[
            Envelope[Contract]]:
        ctx.wake(due + timedelta(seconds=30))
        ctx.wake(due)
        during.append(len(wakes))
        return []

    checkin = Envelope(CheckinReceived(checkin_id=unique("chk"), patient_id="p-wake", intent=CheckinIntent.other,
                                       received_at=datetime.now(UTC)), source="iop/notifier")
    await events.handle(replace(service.ctx, wake=wakes.append), [checkin], apply)
    assert during == [0] and wakes == [due]  # nothing while the transaction was open; then the earliest
