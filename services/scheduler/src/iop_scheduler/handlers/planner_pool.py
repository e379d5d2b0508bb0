"""Large drain batches planned in worker processes (the planner is pure), so the event loop keeps ingesting.

The caller's transaction still writes every plan of the batch, in the batch's order: only the pure
`plan_many` runs elsewhere. A broken pool (a worker killed) is replaced and that batch planned in-process.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime

from iop_shared.logging import get_logger

from ..domain.model import Plan, PlanInput
from ..domain.planner import plan_many
from ..domain.policy import Policy

log = get_logger(__name__)
POOL_MIN = 200  # smaller batches: shipping the inputs to a worker and back costs more than it saves


class PlannerPool:
    """`processes` workers (started on first use); 0 plans everything in-process."""

    def __init__(self, processes: int) -> None:
        self.processes, self.restarts = processes, 0
        self._pool = self._new() if processes > 0 else None

    def _new(self) -> ProcessPoolExecutor:
        # spawn: the service process runs threads (asyncpg, Kafka clients), which fork would copy mid-state.
        return ProcessPoolExecutor(self.processes, mp_context=mp.get_context("spawn"))

    async def plan(self, items: Sequence[tuple[PlanInput, Policy]], now: datetime) -> list[Plan]:
        """plan_many(items, now), split across the workers when the batch is large."""
        if self._pool is None or len(items) < POOL_MIN:
            return plan_many(items, now)
        size = -(-len(items) // self.processes)
        loop = asyncio.get_running_loop()
        try:
            parts = await asyncio.gather(*(loop.run_in_executor(self._pool, plan_many, items[i:i + size], now)
                                           for i in range(0, len(items), size)))
        except BrokenProcessPool:
            log.warning("planner_pool_broken", processes=self.processes)
            self._pool, self.restarts = self._new(), self.restarts + 1
            return plan_many(items, now)
        return [plan for part in parts for plan in part]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
