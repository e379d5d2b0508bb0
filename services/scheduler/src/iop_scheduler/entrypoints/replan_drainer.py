"""Works off the replans that session ingest queues, in one background task, so a backlog coalesces.

A patient listed on many sessions of a bulk load is queued by each of them but planned once per drain from
the state then stored. A drain waits until session ingest has been quiet for `settle` (at most `max_delay`
after the first wake), so a bulk load read partition after partition is planned once per patient, not once
per partition, and plans only the patients no change touched for `settle`. The queue is written with the
events' inbox claims, so nothing is lost to a crash; the dispatcher's sweep drains it too.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import timedelta

from iop_shared.faults import is_transient
from iop_shared.logging import get_logger

from ..handlers.deps import Deps
from ..handlers.planning import earliest
from ..handlers.replans import SET_BATCH, drain_replans_set_based

log = get_logger(__name__)


class ReplanDrainer:
    """One task: drains when woken (or every `interval`), never two drains at once."""

    def __init__(self, deps: Deps, interval: timedelta = timedelta(seconds=5),
                 settle: timedelta = timedelta(milliseconds=500), max_delay: timedelta = timedelta(seconds=5),
                 bulk_max_delay: timedelta = timedelta(seconds=30), bulk: int = SET_BATCH) -> None:
        self.deps, self.interval = deps, interval
        self.settle, self.max_delay = settle.total_seconds(), max_delay.total_seconds()
        # A bulk load (at least `bulk` patients owed when `max_delay` is up and ingest still runs) waits for
        # quiet up to `bulk_max_delay`: its patients are listed on sessions all through the load (a partition is
        # read after another), so a drain every `max_delay` would plan each of them again and again.
        self.bulk_max_delay, self.bulk = bulk_max_delay.total_seconds(), bulk
        # A drain plans only patients untouched for `settle`: under a long bulk load (ingest never quiet, so a
        # drain every `max_delay`) a patient still being listed on sessions waits for their last one, and is
        # planned once rather than once per drain. The dispatcher's sweep drains everyone regardless.
        self._settle = settle
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop())

    def wake(self) -> None:
        """Replans were queued: drain soon."""
        self._wake.set()

    async def _loop(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval.total_seconds())
            await self._quiet()
            try:
                first = earliest(await drain_replans_set_based(self.deps, settled=self._settle))
                if await self._owed():  # touched since (or another replica's): look again once they settle
                    asyncio.get_running_loop().call_later(self.settle, self.wake)
            except Exception as exc:  # they stay queued: the next drain (or the sweep) retries them
                log.warning("replans_failed", error=type(exc).__name__, transient=is_transient(exc))
                await asyncio.sleep(1)
                continue
            if first is not None:
                self.deps.nudge(first)

    async def _owed(self) -> bool:
        async with self.deps.store.transaction() as repo:
            return await repo.replans_owed()

    async def _quiet(self) -> None:
        """Wait until no wake came for `settle`, or `max_delay` passed (`bulk_max_delay` in a bulk load)."""
        started = time.monotonic()
        deadline, extended = started + self.max_delay, False
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                if extended or not await self._bulk():
                    break
                deadline, extended = started + self.bulk_max_delay, True
                continue
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), min(self.settle, left))
            except TimeoutError:
                return
        self._wake.clear()

    async def _bulk(self) -> bool:
        async with self.deps.store.transaction() as repo:
            return await repo.replans_owed_at_least(self.bulk)

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
