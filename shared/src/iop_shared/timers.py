"""The one wake-at-next-due timer: an APScheduler date job moved to the next due time, plus an interval sweep.

Never one job per due row: the plan lives in PostgreSQL, the job only says "look now". Every "now" comes from
the injected clock; APScheduler itself runs on the machine's clock, so a wake at time T of another clock fires
after T - clock.now() of machine time (with the machine's own clock, times pass through unchanged).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from .clock import Clock, SystemClock
from .logging import get_logger

log = get_logger(__name__)

RunDue = Callable[[], Awaitable[object]]
NextDue = Callable[[], Awaitable[datetime | None]]


class WakeTimer:
    """Runs `run_due` when `next_due` says and every `sweep` as a safety net, never two runs at once."""

    def __init__(self, name: str, run_due: RunDue, next_due: NextDue, *, sweep: timedelta,
                 resolution: timedelta = timedelta(0), clock: Clock | None = None, wall: Clock | None = None,
                 gated: bool = False, failure_event: str | None = None) -> None:
        self.wake_job, self.sweep_job = f"{name}-wake", f"{name}-sweep"
        self.sweep_interval, self.resolution = sweep, resolution
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._run_due, self._next_due = run_due, next_due
        self._clock = clock or SystemClock()
        # None: the injected clock is the machine's, so due times are handed to APScheduler as they are.
        self._wall = None if isinstance(self._clock, SystemClock) else wall or SystemClock()
        self._gated, self._released = gated, False
        self._failure_event = failure_event or f"{name}_failed"
        self._running = False
        self._again = False
        self._next_wake: datetime | None = None
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def released(self) -> bool:
        """Whether runs happen yet (a gated timer waits for `release`)."""
        return self._released

    def start(self) -> None:
        """Start the scheduler; an ungated timer runs at once (catch up after a restart) and sweeps from here on."""
        self.scheduler.start()
        if not self._gated:
            self.release()

    def release(self) -> None:
        """Run now and every sweep interval from here on."""
        self._released = True
        self.scheduler.add_job(self._run, IntervalTrigger(seconds=self.sweep_interval.total_seconds()),
                               id=self.sweep_job, max_instances=1, coalesce=True, misfire_grace_time=None,
                               replace_existing=True)
        self.wake_at(self._clock.now())

    def stop(self) -> None:
        """Stop waking; APScheduler's shutdown cancels a run in progress (its transaction rolls back)."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    async def aclose(self) -> None:
        """Stop waking and return once a run in progress has unwound (the next start catches up)."""
        self.stop()
        await self._idle.wait()

    def wake_at(self, when: datetime) -> None:
        """Make sure a run happens no later than `when` (a nudge from new work or from the last run)."""
        if not self._released:
            return  # `release` runs at once and asks `next_due`, which sees this due time too
        if self._running:
            self._again = True  # the run in progress looks again and recomputes its next wake
            return
        if self._next_wake is not None and self._next_wake <= when:
            return
        self._next_wake = when
        self.scheduler.add_job(self._run, DateTrigger(run_date=self._on_wall(when), timezone=UTC),
                               id=self.wake_job, replace_existing=True, misfire_grace_time=None, coalesce=True)

    def _on_wall(self, when: datetime) -> datetime:
        if self._wall is None:
            return when
        return self._wall.now() + max(when - self._clock.now(), timedelta(0))

    async def _run(self) -> None:
        if not self._released:
            return
        if self._running:
            self._again = True
            return
        self._running = True
        self._idle.clear()
        upcoming: datetime | None = None
        try:
            upcoming = await self._run_until_quiet()
        except Exception:
            log.exception(self._failure_event)  # the sweep tries again
        finally:
            self._running = False
            self._idle.set()
        self._next_wake = None
        if upcoming is not None:
            self.wake_at(max(upcoming, self._clock.now() + self.resolution))

    async def _run_until_quiet(self) -> datetime | None:
        """Run until no nudge arrived meanwhile (one arriving while `next_due` reads counts too)."""
        while True:
            self._again = False
            await self._run_due()
            if self._again:
                continue
            upcoming = await self._next_due()
            if not self._again:
                return upcoming
