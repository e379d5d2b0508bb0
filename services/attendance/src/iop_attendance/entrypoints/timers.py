"""The missed-visit wake-up: one APScheduler job moved to the next due time, plus an interval sweep.

No timer decides before the service's consumers have applied the backlog that waited at start (`release`).

The timers themselves are rows in PostgreSQL (visits past their due time), so a restart or another replica
loses nothing: the sweep claims due rows with FOR UPDATE SKIP LOCKED and catches up on what fell due while down.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from iop_shared.logging import get_logger

from ..handlers.context import Context
from ..handlers.timers import next_due, sweep

log = get_logger(__name__)
WAKE = "attendance-wake"
SWEEP = "attendance-sweep"
WAKE_OVERLAP = 4  # wake runs that may overlap a running sweep


class MissedVisitTimer:
    """Wakes the sweep at the next due visit and every `interval` as a safety net."""

    def __init__(self, ctx: Context, interval: timedelta, batch: int) -> None:
        self._ctx = ctx
        self._interval = interval
        self._batch = batch
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._next_wake: datetime | None = None
        self._released = False

    def start(self) -> None:
        """Start the scheduler; nothing is decided until `release` (the consumers have caught up)."""
        self._scheduler.start()

    def release(self) -> None:
        """The backlog seen at start is applied: sweep now and every interval from here on."""
        self._released = True
        self._scheduler.add_job(self._run, "interval", seconds=self._interval.total_seconds(), id=SWEEP,
                                next_run_time=datetime.now(UTC), coalesce=True, max_instances=1,
                                misfire_grace_time=None, replace_existing=True)

    @property
    def released(self) -> bool:
        """Whether misses are decided yet (the handlers ask, and tests)."""
        return self._released

    def stop(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def wake(self, at: datetime) -> None:
        """Make sure the sweep runs at `at` (handlers call this for every new future due time)."""
        if self._next_wake is not None and self._next_wake <= at and self._next_wake > datetime.now(UTC):
            return
        self._next_wake = at
        run_at = max(at, datetime.now(UTC))
        # A wake due while a sweep still runs must not be skipped (APScheduler's default max_instances=1 did,
        # and the visit then waited for the interval sweep); sweeps claim rows with SKIP LOCKED, so two may overlap.
        self._scheduler.add_job(self._run, "date", run_date=run_at, id=WAKE, replace_existing=True,
                                coalesce=True, misfire_grace_time=None, max_instances=WAKE_OVERLAP)

    async def _run(self) -> None:
        if not self._released:  # consumers are still catching up: `release` sweeps everything due then
            return
        self._next_wake = None  # a handler may set an earlier one while this runs
        try:
            settled = await sweep(self._ctx, self._batch)
            if settled:
                log.info("missed_visit_sweep", settled=settled)
            nxt = await next_due(self._ctx)
        except Exception:
            log.exception("missed_visit_sweep_failed")
            return
        if nxt is not None:
            self.wake(nxt)
