"""Readiness that tells the truth: the outbox relay is publishing and no consumer is stuck on one offset."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import asyncpg

from .settings import BaseServiceSettings

_OLDEST_UNSENT = """
SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8
FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL
"""


@dataclass
class _Stall:
    offset: int
    since: float
    in_flight: bool = True
    failed_at: float = 0.0


class ConsumerProgress:
    """Per consumer group and partition: the offset a consumer keeps trying to get past, and since when."""

    def __init__(self) -> None:
        self._stalls: dict[tuple[str, str, int], _Stall] = {}

    def attempting(self, key: tuple[str, str, int], offset: int) -> None:
        """A batch from `offset` is being applied; a redelivery of the same offset keeps the first time."""
        current = self._stalls.get(key)
        if current is None or current.offset != offset:
            self._stalls[key] = _Stall(offset, time.monotonic())
        else:
            current.in_flight = True

    def failed(self, key: tuple[str, str, int]) -> None:
        """The batch failed and will be redelivered."""
        if (current := self._stalls.get(key)) is not None:
            current.in_flight, current.failed_at = False, time.monotonic()

    def done(self, key: tuple[str, str, int]) -> None:
        """The batch was applied and committed: the partition moved on."""
        self._stalls.pop(key, None)

    def stuck(self, after_seconds: float) -> list[str]:
        """`group:topic[partition]@offset` of every partition stuck for longer than `after_seconds`."""
        now = time.monotonic()
        # Still trying: a handler in flight, or failing again lately (a stopped consumer's last failure ages out).
        return [f"{g}:{t}[{p}]@{st.offset}" for (g, t, p), st in self._stalls.items()
                if now - st.since > after_seconds and (st.in_flight or now - st.failed_at < after_seconds)]


PROGRESS = ConsumerProgress()
"""The process's consumers report here (iop_shared.consumer does it for every guarded subscription)."""


@dataclass(frozen=True)
class Readiness:
    """Whether the service does its work now, and if not why (codes and ids only, never data)."""

    ready: bool
    reasons: list[str] = field(default_factory=list)
    oldest_unsent_seconds: float | None = None


async def readiness(pool: asyncpg.Pool, settings: BaseServiceSettings | None = None, *,
                    outbox: bool = True) -> Readiness:
    """Check the database answers, the outbox is drained within IOP_READY_OUTBOX_MAX_AGE and no consumer is stuck."""
    s = settings or BaseServiceSettings()
    reasons: list[str] = []
    oldest: float | None = None
    try:
        async with pool.acquire(timeout=2) as conn:
            if outbox:
                oldest = float(await conn.fetchval(_OLDEST_UNSENT, timeout=2))
            else:
                await conn.fetchval("SELECT 1", timeout=2)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
        reasons.append("database_unavailable")
    if oldest is not None and oldest > s.ready_outbox_max_age:
        reasons.append("outbox_not_publishing")
    reasons += [f"consumer_stuck:{where}" for where in PROGRESS.stuck(s.ready_consumer_stuck_after)]
    return Readiness(ready=not reasons, reasons=reasons, oldest_unsent_seconds=oldest)
