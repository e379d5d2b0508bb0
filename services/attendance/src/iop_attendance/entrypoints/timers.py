"""The missed-visit wake-up, declared on the kernel's WakeTimer: the date job follows the next due visit.

No timer decides before the service's consumers have applied the backlog that waited at start (`release`).

The timers themselves are rows in PostgreSQL (visits past their due time), so a restart or another replica
loses nothing: the sweep claims due rows with FOR UPDATE SKIP LOCKED and catches up on what fell due while down.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from iop_shared.clock import Clock
from iop_shared.logging import get_logger
from iop_shared.timers import WakeTimer

from ..handlers.context import Context
from ..handlers.timers import next_due, sweep

log = get_logger(__name__)
WAKE = "attendance-wake"
SWEEP = "attendance-sweep"


class MissedVisitTimer(WakeTimer):
    """Wakes the sweep at the next due visit and every `interval` as a safety net; gated until `release`."""

    def __init__(self, ctx: Context, interval: timedelta, batch: int, clock: Clock | None = None) -> None:
        self._ctx, self._batch = ctx, batch
        # A wake during a sweep makes that sweep look again (it is never skipped); a backlog larger than one
        # batch leaves a past due time, swept again at once (no resolution floor).
        super().__init__("attendance", self._sweep, self._next, sweep=interval, clock=clock, gated=True,
                         failure_event="missed_visit_sweep_failed")

    def wake(self, at: datetime) -> None:
        """Make sure the sweep runs at `at` (handlers call this for every new future due time)."""
        self.wake_at(at)

    async def _sweep(self) -> None:
        settled = await sweep(self._ctx, self._batch)
        if settled:
            log.info("missed_visit_sweep", settled=settled)

    async def _next(self) -> datetime | None:
        return await next_due(self._ctx)
