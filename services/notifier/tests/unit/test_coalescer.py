"""The batched writers' coalescer: concurrent submissions share one flush, and every waiter learns a failure."""

from __future__ import annotations

import asyncio

import pytest

from iop_notifier.handlers.marks import Coalescer

pytestmark = pytest.mark.unit


async def test_submissions_together_go_in_one_flush_and_each_gets_its_own_answer() -> None:
    calls: list[list[int]] = []

    async def flush(items: list[int]) -> list[int]:
        calls.append(items)
        return [i * 10 for i in items]

    batched: Coalescer[int, int] = Coalescer(flush, linger_s=0.01)
    assert await asyncio.gather(*(batched.submit(i) for i in range(5))) == [0, 10, 20, 30, 40]
    assert calls == [[0, 1, 2, 3, 4]]
    assert await batched.submit(7) == 70 and calls[-1] == [7]  # a later one gets a flush of its own


async def test_a_full_batch_flushes_without_waiting_and_the_rest_goes_in_the_next() -> None:
    calls: list[list[int]] = []

    async def flush(items: list[int]) -> list[int]:
        calls.append(items)
        return items

    batched: Coalescer[int, int] = Coalescer(flush, max_items=3, linger_s=10.0)
    first = [asyncio.ensure_future(batched.submit(i)) for i in range(3)]
    assert await asyncio.wait_for(asyncio.gather(*first), 1.0) == [0, 1, 2]  # not the 10 s linger
    assert calls == [[0, 1, 2]]


async def test_a_failed_flush_reaches_every_waiter() -> None:
    async def flush(items: list[int]) -> list[int]:
        raise ConnectionError("database away")

    batched: Coalescer[int, int] = Coalescer(flush, linger_s=0.01)
    results = await asyncio.gather(*(batched.submit(i) for i in range(3)), return_exceptions=True)
    assert all(isinstance(r, ConnectionError) for r in results)
