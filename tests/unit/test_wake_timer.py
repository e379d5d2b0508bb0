"""The kernel's WakeTimer with fake clocks: where the wake lands, look-again, no overlap, the gate, a clean stop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from iop_shared.clock import FrozenClock
from iop_shared.timers import WakeTimer

pytestmark = pytest.mark.unit

T0 = datetime(2026, 6, 1, 14, tzinfo=UTC)  # the service's clock, long before the machine's


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached")


class Work:
    """run_due and next_due fakes that count runs, overlapping runs, and can hold a run open."""

    def __init__(self, upcoming: datetime | None = None) -> None:
        self.runs = 0
        self.active = 0
        self.most_at_once = 0
        self.upcoming = upcoming
        self.hold: asyncio.Event | None = None
        self.fail_first = False

    async def run_due(self) -> None:
        self.runs += 1
        self.active += 1
        self.most_at_once = max(self.most_at_once, self.active)
        try:
            if self.hold is not None:
                await self.hold.wait()
            if self.fail_first and self.runs == 1:
                raise RuntimeError("database away")
        finally:
            self.active -= 1

    async def next_due(self) -> datetime | None:
        return self.upcoming


def timer(work: Work, *, gated: bool = False, resolution: timedelta = timedelta(0)) -> tuple[WakeTimer, datetime]:
    wall = datetime.now(UTC).replace(microsecond=0)
    t = WakeTimer("t", work.run_due, work.next_due, sweep=timedelta(hours=1), resolution=resolution,
                  clock=FrozenClock(T0), wall=FrozenClock(wall), gated=gated)
    return t, wall


def wake_time(t: WakeTimer) -> datetime | None:
    job = t.scheduler.get_job(t.wake_job)
    return None if job is None else job.next_run_time


async def test_the_wake_lands_after_the_service_clocks_delay_and_a_later_nudge_never_postpones_it() -> None:
    work = Work(upcoming=T0 + timedelta(hours=1))
    t, wall = timer(work)
    t.start()  # runs at once: catch up after a restart
    try:
        await until(lambda: work.runs == 1 and wake_time(t) is not None)
        assert wake_time(t) == wall + timedelta(hours=1)  # not at T0 + 1 h, which the machine passed long ago
        t.wake_at(T0 + timedelta(hours=2))
        assert wake_time(t) == wall + timedelta(hours=1)
        t.wake_at(T0 + timedelta(minutes=30))
        assert wake_time(t) == wall + timedelta(minutes=30)
        assert [j.id for j in t.scheduler.get_jobs()].count(t.wake_job) == 1
    finally:
        await t.aclose()


async def test_a_due_time_already_past_waits_at_least_the_resolution() -> None:
    work = Work(upcoming=T0 - timedelta(minutes=5))  # more due than one run took
    t, wall = timer(work, resolution=timedelta(minutes=10))
    t.start()
    try:
        await until(lambda: wake_time(t) is not None and work.runs == 1)
        assert wake_time(t) == wall + timedelta(minutes=10)
    finally:
        await t.aclose()


async def test_nudges_during_a_run_make_it_look_again_once_and_runs_never_overlap() -> None:
    work = Work()
    work.hold = asyncio.Event()
    t, _ = timer(work)
    t.start()
    try:
        await until(lambda: work.active == 1)
        t.wake_at(T0)
        t.wake_at(T0 + timedelta(minutes=1))
        await t._run()  # the sweep job firing meanwhile: it only marks the run to look again
        assert wake_time(t) is None and work.runs == 1
        work.hold.set()
        await until(lambda: work.runs == 2 and work.active == 0)
        await asyncio.sleep(0.05)
        assert work.runs == 2 and work.most_at_once == 1
    finally:
        await t.aclose()


async def test_a_gated_timer_does_nothing_until_released() -> None:
    work = Work()
    t, _ = timer(work, gated=True)
    t.start()
    try:
        t.wake_at(T0)
        await asyncio.sleep(0.05)
        assert work.runs == 0 and not t.released and t.scheduler.get_job(t.sweep_job) is None
        t.release()
        await until(lambda: work.runs == 1)
        assert t.released and t.scheduler.get_job(t.sweep_job) is not None
    finally:
        await t.aclose()


async def test_aclose_cancels_the_run_in_progress_and_returns_once_it_has_unwound() -> None:
    work = Work()
    work.hold = asyncio.Event()  # never set: the run would wait forever
    t, _ = timer(work)
    t.start()
    await until(lambda: work.active == 1)
    await asyncio.wait_for(t.aclose(), timeout=10)  # APScheduler's shutdown cancels it; its cleanup has run
    assert work.active == 0 and not t.scheduler.running
    t.wake_at(T0)  # a nudge after the stop starts nothing
    await asyncio.sleep(0.05)
    assert work.runs == 1


async def test_a_failed_run_is_logged_and_the_next_nudge_runs_again() -> None:
    work = Work()
    work.fail_first = True
    t, _ = timer(work)
    t.start()
    try:
        await until(lambda: work.runs == 1 and work.active == 0)
        await asyncio.sleep(0.02)
        t.wake_at(T0)
        await until(lambda: work.runs == 2)
    finally:
        await t.aclose()
