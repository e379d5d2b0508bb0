"""A periodic refresh: 'today', session states and the charts move with the clock even when no event arrives.

APScheduler holds one in-memory interval job per process; nothing is stored, so replicas never share a job store.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler


class RefreshTimer:
    def __init__(self, refresh: Callable[[], None], every: timedelta) -> None:
        self._scheduler = AsyncIOScheduler(timezone="UTC")
        self._scheduler.add_job(refresh, "interval", seconds=every.total_seconds(), id="refresh",
                                coalesce=True, max_instances=1)

    def start(self) -> None:
        """Start on the running event loop."""
        self._scheduler.start()

    def stop(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
