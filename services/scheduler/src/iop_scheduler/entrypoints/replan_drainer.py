"""Works off the replans that session ingest queues, in one background task, so a backlog coalesces.

A patient listed on many sessions of a bulk load is queued by each of them but planned once per drain from
the state then stored. A drain waits until session ingest has been quiet for `settle` (at most `max_delay`
after the first wake), so a bulk load read partition after partition is planned once per patient, not once
per partition. The queue is written with the events' inbox claims, so nothing is lost to a crash; the
dispatcher's sweep drains it too.
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
from ..handlers.replans import drain_replans_set_based

log = get_logger(__name__)


class ReplanDrainer:
    """One task: drains when woken (or every `interval`), never two drains at once."""

    def __init__(self, deps: Deps, interval: timedelta = timedelta(seconds=5),
                 settle: timedelta = timedelta(milliseconds=500), max_delay: timedelta = timedelta(seconds=5)) -> None:
        self.deps, self.interval = deps, interval
        self.settle, self.max_delay = settle.total_seconds(), max_delay.total_seconds()
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
                first = earliest(await drain_replans_set_based(self.deps))
            except Exception as exc:  # they stay queued: the next drain (or the sweep) retries them
                log.warning("replans_failed", error=type(exc).__name__, transient=is_transient(exc))
                await asyncio.sleep(1)
                continue
            if first is not None:
                self.deps.nudge(first)

    async def _quiet(self) -> None:
        """Wait until no wake came for `settle`, or `max_delay` passed."""
        deadline = time.monotonic() + self.max_delay
        while (left := deadline - time.monotonic()) > 0:
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), min(self.settle, left))
            except TimeoutError:
                return
        self._wake.clear()

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
