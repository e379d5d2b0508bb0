"""Owed replans (a clinic's zone or quiet hours changed) worked off in short batches that survive a failure."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from iop_shared.tracing import context_from, span

from ..domain.model import Reminder
from .deps import Deps
from .planning import replan, replan_many

BATCH = 100  # patients per transaction: short plan locks for a clinic of thousands
SET_BATCH = 500  # patients per transaction when planned set-based (one statement per step for all)


async def drain_replans(deps: Deps, batch: int = BATCH) -> list[Reminder]:
    """Replan every queued patient; a batch that fails rolls back whole and stays queued for the next run."""
    planned: list[Reminder] = []
    while True:
        async with deps.store.transaction() as repo:
            owed = await repo.claim_replans(batch)
            for pid, fallback in owed:
                planned += (await replan(repo, deps, pid, deps.clock.now(), fallback)).reminders
            await repo.done_replans([pid for pid, _ in owed])
        if len(owed) < batch:
            return planned


async def drain_replans_set_based(deps: Deps, batch: int = SET_BATCH,
                                  settled: timedelta | None = None) -> list[Reminder]:
    """drain_replans with each batch planned set-based (replan_many): what session ingest queues.

    With `settled`, only patients no change touched for that long (the others are still being loaded).
    """
    planned: list[Reminder] = []
    while True:
        async with deps.store.transaction() as repo:
            owed = await repo.claim_traced_replans(batch, settled)
            by_trace: dict[tuple[tuple[str, str], ...], dict[str, str]] = defaultdict(dict)
            for pid, fallback, carried in owed:
                by_trace[tuple(sorted(carried.items()))][pid] = fallback
            for trace_key, group in by_trace.items():  # planned in the trace of the change that owed it
                with span("replan", parent=context_from(dict(trace_key))):
                    plans = await replan_many(repo, deps, group, deps.clock.now())
                planned += [r for plan in plans.values() for r in plan.reminders]
            await repo.done_replans([pid for pid, _, _ in owed])
        if len(owed) < batch:
            return planned
