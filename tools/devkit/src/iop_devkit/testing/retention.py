"""A simulated stretch of days for retention tests: rows written each step, the purge timer run on a test clock."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import asyncpg

from iop_shared.clock import FrozenClock
from iop_shared.db import Conn
from iop_shared.retention import RetentionTimer

Insert = Callable[[Conn, datetime, str], Awaitable[object]]


@dataclass
class Family:
    """A table family under test: how to write one purgeable row stamped `ts`, and how to count those rows."""

    name: str
    keep: timedelta
    insert: Insert
    count_sql: str
    stamps: list[datetime] = field(default_factory=list)
    peak: int = 0

    def expected(self, now: datetime) -> int:
        """Rows written inside the retention window: exactly these must remain."""
        return sum(1 for ts in self.stamps if ts >= now - self.keep)


async def simulate(pool: asyncpg.Pool, clock: FrozenClock, timer: RetentionTimer, families: Sequence[Family], *,
                   days: int = 7, step: timedelta = timedelta(hours=6), per_step: int = 5) -> None:
    """Write `per_step` rows per family each step and purge; after each pass every table holds exactly its window."""
    end = clock.now() + timedelta(days=days)
    while clock.now() < end:
        async with pool.acquire() as conn:
            for family in families:
                for i in range(per_step):
                    ts = clock.now() - i * step / per_step  # spread over the step, newest now
                    await family.insert(conn, ts, uuid.uuid4().hex)
                    family.stamps.append(ts)
        await timer.tick()
        async with pool.acquire() as conn:
            for family in families:
                count = int(await conn.fetchval(family.count_sql))
                family.peak = max(family.peak, count)
                assert count == family.expected(clock.now()), (family.name, clock.now(), count)
        clock.advance(step)


def bound(family: Family, step: timedelta, per_step: int) -> int:
    """The most rows a family may hold: its window's steps (and one more) of writes."""
    return per_step * (int(family.keep / step) + 1)


async def simulate_bounded(pool: asyncpg.Pool, clock: FrozenClock, timer: RetentionTimer, families: Sequence[Family],
                           *, days: int, step: timedelta, per_step: int) -> None:
    """`simulate`, then every family peaked within its bound and was purged at least once."""
    await simulate(pool, clock, timer, families, days=days, step=step, per_step=per_step)
    for family in families:
        assert family.peak <= bound(family, step, per_step), family.name
        assert family.peak < len(family.stamps), f"{family.name} was never purged"


async def _outbox_row(conn: Conn, ts: datetime, uid: str) -> None:
    await conn.execute("INSERT INTO outbox (event_id, topic, key, value, headers, created_at, sent_at)"
                       " VALUES ($1, 'sim', ''::bytea, ''::bytea, '{}', $2, $2)", uid, ts)


async def _inbox_row(conn: Conn, ts: datetime, uid: str) -> None:
    await conn.execute("INSERT INTO inbox (consumer, event_id, applied_at) VALUES ('sim', $1, $2)", uid, ts)


def kernel_families(outbox_keep: timedelta, inbox_keep: timedelta) -> list[Family]:
    """The outbox (published rows) and the inbox, as the kernel's purge sees them."""
    return [Family("outbox", outbox_keep, _outbox_row, "SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL"),
            Family("inbox", inbox_keep, _inbox_row, "SELECT count(*) FROM inbox")]


async def add_unsent_outbox_row(conn: Conn, at: datetime) -> None:
    """An outbox row the relay still owes (and one it set aside): the purge must never take either."""
    await conn.execute("INSERT INTO outbox (event_id, topic, key, value, headers, created_at)"
                       " VALUES ($1, 'sim', ''::bytea, ''::bytea, '{}', $2)", uuid.uuid4().hex, at)
    await conn.execute("INSERT INTO outbox (event_id, topic, key, value, headers, created_at, failed_at, failure)"
                       " VALUES ($1, 'sim', ''::bytea, ''::bytea, '{}', $2, $2, 'too large')", uuid.uuid4().hex, at)
