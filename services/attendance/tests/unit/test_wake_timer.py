"""The missed-visit wake-up never loses a wake that falls due while a sweep is still running."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from iop_attendance.entrypoints import timers
from iop_attendance.entrypoints.timers import MissedVisitTimer

pytestmark = pytest.mark.unit


async def test_a_wake_due_during_a_running_sweep_still_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[datetime] = []

    async def slow_sweep(ctx: Any, batch: int) -> int:
        runs.append(datetime.now(UTC))
        await asyncio.sleep(0.6)  # a sweep on a busy machine
        return 0

    async def nothing_due(ctx: Any) -> None:
        return None

    monkeypatch.setattr(timers, "sweep", slow_sweep)
    monkeypatch.setattr(timers, "next_due", nothing_due)
    timer = MissedVisitTimer(ctx=None, interval=timedelta(hours=1), batch=10)  # type: ignore[arg-type]
    timer.start()
    try:
        timer.release()  # the sweep at release
        await asyncio.sleep(0.8)
        timer.wake(datetime.now(UTC))  # a visit falls due: a wake-up sweep starts
        while len(runs) < 2:  # noqa: ASYNC110 - the sweep stub is what signals; a poll keeps it plain
            await asyncio.sleep(0.01)
        timer.wake(datetime.now(UTC) + timedelta(seconds=0.1))  # another falls due while that sweep runs
        await asyncio.sleep(1.2)
    finally:
        timer.stop()
    assert len(runs) == 3, "the second wake was skipped while the first wake's sweep ran"
