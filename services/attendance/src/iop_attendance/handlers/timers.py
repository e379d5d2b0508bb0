"""The timer sweep: claims due visits (SKIP LOCKED), publishes their misses and evaluates the patients."""

from __future__ import annotations

from datetime import datetime

from iop_shared import outbox

from .. import metrics
from ..adapters import repository as repo
from ..adapters.db import connection, transaction
from .context import Context
from .risk import evaluate_patients
from .visits import settle


async def sweep(ctx: Context, batch: int = 500) -> int:
    """Process every visit due by now, a batch per transaction; return how many were settled."""
    total = 0
    metrics.TIMER_SWEEPS.inc()
    while True:
        async with transaction(ctx.pool) as conn:
            due = await repo.claim_due(conn, ctx.clock.now(), batch)
            out, changed = await settle(conn, ctx, due)
            await outbox.add(conn, out + await evaluate_patients(conn, ctx, changed))
        total += len(due)
        if len(due) < batch:
            return total


async def next_due(ctx: Context) -> datetime | None:
    async with connection(ctx.pool) as conn:
        return await repo.next_due(conn)
