"""Stopping a service in bounded time: a step that hangs (a held connection, a stuck consumer) is given up on."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable

import asyncpg

from iop_shared.logging import get_logger

log = get_logger("iop.shutdown")
STEP_TIMEOUT_S = 10.0


async def bounded(step: Awaitable[object], what: str, timeout: float = STEP_TIMEOUT_S) -> None:
    """Await one stop step for at most `timeout` seconds; a timeout or error is logged, never raised."""
    try:
        await asyncio.wait_for(step, timeout)
    except TimeoutError:
        log.warning("stop_step_timed_out", step=what, timeout_s=timeout)
    except Exception as exc:
        log.warning("stop_step_failed", step=what, error=type(exc).__name__)


async def close_pool(pool: asyncpg.Pool, timeout: float = STEP_TIMEOUT_S) -> None:
    """Close the pool gracefully; connections still held after `timeout` are terminated (close would wait forever)."""
    try:
        await asyncio.wait_for(pool.close(), timeout)
    except TimeoutError:
        log.warning("pool_close_timed_out", timeout_s=timeout)
        with contextlib.suppress(Exception):
            pool.terminate()
    except RuntimeError:  # already closed or closing
        pass
