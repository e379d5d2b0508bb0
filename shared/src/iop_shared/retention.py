"""Retention: a timer that deletes rows past their table family's retention, in small batches.

Each batch is its own short statement (`DELETE ... WHERE ctid IN (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED)` on an
index; rows another transaction holds are left for the next pass), so a purge
never holds a lock for long nor competes with the services' own writes for more than a moment. The kernel's
families are the outbox (after publish) and the inbox (after processing); a service adds its own.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from importlib import resources

import asyncpg

from .clock import Clock
from .logging import get_logger
from .settings import BaseServiceSettings

log = get_logger(__name__)


@cache
def kernel_query(name: str) -> str:
    """The text of iop_shared/queries/<name>.sql."""
    return resources.files("iop_shared.queries").joinpath(f"{name}.sql").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Purge:
    """One table family: a DELETE taking ($1 cutoff, $2 batch size) that removes at most $2 rows older than $1."""

    name: str
    sql: str
    keep: timedelta


def kernel_purges(settings: BaseServiceSettings) -> list[Purge]:
    """The outbox after publish and the inbox after processing, as IOP_OUTBOX_RETENTION / IOP_INBOX_RETENTION say."""
    return [Purge("outbox", kernel_query("purge_outbox"), timedelta(seconds=settings.outbox_retention)),
            Purge("inbox", kernel_query("purge_inbox"), timedelta(seconds=settings.inbox_retention))]


async def purge(pool: asyncpg.Pool, family: Purge, clock: Clock, batch: int, max_batches: int = 1000) -> int:
    """Delete `family`'s rows older than its retention, `batch` rows per statement; return how many went."""
    cutoff, total = clock.now() - family.keep, 0
    for _ in range(max_batches):  # a bound, so one tick never runs for ever behind a flood of writes
        status = await pool.execute(family.sql, cutoff, batch)
        deleted = int(status.rsplit(" ", 1)[-1])
        total += deleted
        if deleted < batch:
            break
        await asyncio.sleep(0)  # let the service's own work in between batches
    return total


class RetentionTimer:
    """Runs every family's purge each `interval` seconds; the cutoffs come from the injected clock."""

    def __init__(self, pool: asyncpg.Pool, clock: Clock, families: Sequence[Purge], *, interval: float,
                 batch: int) -> None:
        self._pool, self._clock, self._families = pool, clock, list(families)
        self._interval, self._batch = interval, batch

    @classmethod
    def for_service(cls, pool: asyncpg.Pool, clock: Clock, settings: BaseServiceSettings,
                    families: Sequence[Purge] = ()) -> RetentionTimer:
        """The kernel's families plus a service's own, with IOP_RETENTION_INTERVAL and IOP_RETENTION_BATCH."""
        return cls(pool, clock, [*kernel_purges(settings), *families], interval=settings.retention_interval,
                   batch=settings.retention_batch)

    async def tick(self) -> dict[str, int]:
        """One pass over every family: rows deleted by family name."""
        done: dict[str, int] = {}
        for family in self._families:
            done[family.name] = await purge(self._pool, family, self._clock, self._batch)
        if any(done.values()):
            log.info("retention_purged", **done)
        return done

    async def run(self, stop: asyncio.Event) -> None:
        """Purge now and every interval until `stop` is set; a failed pass is logged and tried again next time."""
        while not stop.is_set():
            try:
                await self.tick()
            except Exception as exc:  # a PostgreSQL restart, say: the next pass catches up
                log.warning("retention_purge_failed", error=type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self._interval)
