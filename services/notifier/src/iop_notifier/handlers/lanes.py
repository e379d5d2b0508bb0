"""Two dispatch lanes: a care-team page or a crisis reply never waits behind a routine burst.

The urgent lane leases only urgent requests and replies and processes them one by one with its own
concurrency; the routine lane leases batches, decides and claims each in one transaction (handlers/batch.py)
and keeps up to `dispatch_concurrency` provider calls in flight, leasing the next batch while the last drains.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from iop_notifier.adapters import repository as repo
from iop_notifier.adapters.providers import Outgoing
from iop_notifier.adapters.sql import Q
from iop_shared.logging import get_logger

from . import freshness
from .batch import decide_and_claim
from .deps import Deps
from .dispatch import URGENT_CONCURRENCY, dispatch_due, guarded
from .sending import send_claimed

log = get_logger(__name__)
__all__ = ["URGENT_CONCURRENCY", "run_lanes"]


async def run_lanes(deps: Deps, stop: asyncio.Event) -> None:
    """Both lanes until `stop`; each wakes on new work or every poll interval (deferred work coming due)."""
    await asyncio.gather(_urgent_lane(deps, stop), _routine_lane(deps, stop))


async def _wait(deps: Deps, stop: asyncio.Event) -> None:
    waiters = [asyncio.ensure_future(deps.wakeup.wait()), asyncio.ensure_future(stop.wait())]
    await asyncio.wait(waiters, timeout=deps.settings.dispatch_poll_s, return_when=asyncio.FIRST_COMPLETED)
    for w in waiters:
        w.cancel()


async def _urgent_lane(deps: Deps, stop: asyncio.Event) -> None:
    while not stop.is_set():
        deps.wakeup.clear()
        try:
            if await dispatch_due(deps, lane=True) >= deps.settings.dispatch_batch:
                continue
        except Exception:
            log.exception("dispatcher_error", lane="urgent")
        await _wait(deps, stop)


async def _routine_lane(deps: Deps, stop: asyncio.Event) -> None:
    gate = asyncio.Semaphore(deps.settings.dispatch_concurrency)
    inflight: set[asyncio.Task[None]] = set()
    batch = deps.settings.dispatch_batch
    try:
        while not stop.is_set():
            while len(inflight) > batch // 2:  # the next batch is leased while the last one drains
                await asyncio.wait(inflight, return_when=asyncio.FIRST_COMPLETED)
            deps.wakeup.clear()
            try:
                leased = await _lease_routine(deps, gate, inflight)
            except Exception:
                log.exception("dispatcher_error", lane="routine")
                leased = 0
            if leased < batch:
                await _wait(deps, stop)
    finally:
        await asyncio.gather(*inflight, return_exceptions=True)


async def _lease_routine(deps: Deps, gate: asyncio.Semaphore, inflight: set[asyncio.Task[None]]) -> int:
    rows = await deps.pool.fetch(Q["lease_lane"], deps.clock.now(), deps.settings.lease_s,
                                 deps.settings.dispatch_batch, False)
    ids = [r["id"] for r in rows]
    if not ids:
        return 0
    try:
        outcome = await decide_and_claim(deps, ids)
        sends, one_by_one = outcome.claimed, outcome.one_by_one
    except Exception:  # the batch failed as a whole: each request alone, so one bad row holds up no other
        log.exception("batch_claim_failed", size=len(ids))
        sends, one_by_one = [], ids
    for req, out in sends:
        _spawn(inflight, _send(deps, gate, req, out))
    for request_id in one_by_one:
        _spawn(inflight, _one(deps, gate, request_id))
    return len(ids)


def _spawn(inflight: set[asyncio.Task[None]], coro: Coroutine[Any, Any, None]) -> None:
    task = asyncio.create_task(coro)
    inflight.add(task)
    task.add_done_callback(inflight.discard)


async def _send(deps: Deps, gate: asyncio.Semaphore, req: repo.RequestRow, out: Outgoing) -> None:
    async with gate:
        try:
            fresh = await freshness.latest(deps, req, out)  # the session may have moved since the claim
            if fresh is None:
                await freshness.withdraw(deps, req, out)
            else:
                await send_claimed(deps, req, fresh)
        except Exception:  # the claim is released or reconciled by recovery, never sent twice
            log.exception("send_failed", notification_id=out.notification_id)


async def _one(deps: Deps, gate: asyncio.Semaphore, request_id: int) -> None:
    async with gate:
        await guarded(deps, request_id)
