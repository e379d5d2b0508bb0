"""APScheduler 3.11 wakes the dispatcher: ONE date job moved to the next due time, plus an interval sweep.

Never one job per reminder: the plan lives in PostgreSQL, the job only says "look now".
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from iop_shared.logging import get_logger

from ..handlers.dispatch import Dispatcher

log = get_logger(__name__)
WAKE_JOB = "dispatch-wake"
SWEEP_JOB = "dispatch-sweep"


class DispatchTimer:
    """Runs the dispatcher when the earliest pending reminder falls due, never two runs at once."""

    def __init__(self, dispatcher: Dispatcher, sweep_interval: timedelta, resolution: timedelta) -> None:
        self.dispatcher = dispatcher
        self.sweep_interval = sweep_interval
        self.resolution = resolution
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._running = False
        self._again = False
        self._next_wake: datetime | None = None
        self._idle = asyncio.Event()
        self._idle.set()

    def start(self) -> None:
        self.scheduler.add_job(self._run, IntervalTrigger(seconds=self.sweep_interval.total_seconds()),
                               id=SWEEP_JOB, max_instances=1, coalesce=True, misfire_grace_time=None)
        self.scheduler.start()
        self.wake_at(datetime.now(UTC))  # catch up at once after a restart

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    async def aclose(self) -> None:
        """Stop waking the dispatcher and let a run in progress commit (its batches are short)."""
        self.stop()
        await self._idle.wait()

    def wake_at(self, when: datetime) -> None:
        """Make sure the dispatcher runs no later than `when` (a nudge from a new plan or the last run)."""
        if self._running:
            self._again = True  # the run in progress looks again and recomputes its next wake
            return
        if self._next_wake is not None and self._next_wake <= when:
            return
        self._next_wake = when
        self.scheduler.add_job(self._run, DateTrigger(run_date=when, timezone=UTC), id=WAKE_JOB,
                               replace_existing=True, misfire_grace_time=None, coalesce=True)

    async def _run(self) -> None:
        if self._running:
            self._again = True
            return
        self._running = True
        self._idle.clear()
        upcoming: datetime | None = None
        try:
            self._again = True
            while self._again:
                self._again = False
                await self.dispatcher.dispatch_due()
            upcoming = await self.dispatcher.next_due()
        except Exception:
            log.exception("dispatch_failed")  # the sweep tries again
        finally:
            self._running = False
            self._idle.set()
        self._next_wake = None
        if upcoming is not None:
            self.wake_at(max(upcoming, datetime.now(UTC) + self.resolution))
