"""Live updates: PostgreSQL NOTIFY tells every replica the read model changed; SSE clients get one render each time.

Only the replica whose consumer applied an event knows about it, so the signal goes through the database
(pg_notify in the event's transaction, delivered on commit) rather than through process memory.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg

from iop_shared.logging import get_logger

log = get_logger(__name__)


Clinics = tuple[str, ...]


class Broadcaster:
    """Coalesces bursts of changes into one render per set of clinics watched, and hands each subscriber the
    latest render of its own clinics (never another's)."""

    def __init__(self, render: Callable[[Clinics], Awaitable[str]], min_interval: float = 0.25) -> None:
        self._render = render
        self._min_interval = min_interval
        self._dirty = asyncio.Event()
        self._subscribers: dict[asyncio.Queue[str], Clinics] = {}
        self.renders = 0

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    def changed(self) -> None:
        """Mark the projection changed; safe to call from any callback on the loop."""
        self._dirty.set()

    @contextlib.asynccontextmanager
    async def subscribe(self, clinics: Clinics) -> AsyncIterator[asyncio.Queue[str]]:
        """A queue holding at most the newest render of `clinics` not yet taken."""
        queue: asyncio.Queue[str] = asyncio.Queue(maxsize=1)
        self._subscribers[queue] = clinics
        try:
            yield queue
        finally:
            self._subscribers.pop(queue, None)

    async def run(self, stop: asyncio.Event) -> None:
        """Render and fan out after each change, at most once per `min_interval`, until `stop`."""
        while not stop.is_set():
            await _first(self._dirty.wait(), stop.wait())
            if stop.is_set():
                return
            self._dirty.clear()
            if self._subscribers:
                await self._fan_out()
            await _first(stop.wait(), asyncio.sleep(self._min_interval))

    async def _fan_out(self) -> None:
        for clinics in set(self._subscribers.values()):
            try:
                html = await self._render(clinics)
            except Exception:
                log.exception("live_render_failed")
                continue
            self.renders += 1
            for queue, watched in list(self._subscribers.items()):
                if watched != clinics:
                    continue
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()  # a slow client skips to the newest state
                queue.put_nowait(html)


class ChangeListener:
    """LISTENs on the schema's channel on its own connection; reconnects after a database fault."""

    def __init__(self, database_url: str, channel: str, on_change: Callable[[], None]) -> None:
        self._database_url = database_url
        self._channel = channel
        self._on_change = on_change
        self.listening = asyncio.Event()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self._listen(stop)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("change_listener_restarting", error=type(exc).__name__)
                self.listening.clear()
                await _first(stop.wait(), asyncio.sleep(1.0))

    async def _listen(self, stop: asyncio.Event) -> None:
        conn = await asyncpg.connect(self._database_url)
        lost = asyncio.Event()
        conn.add_termination_listener(lambda _: lost.set())
        try:
            await conn.add_listener(self._channel, lambda *_: self._on_change())
            self.listening.set()
            self._on_change()  # whatever changed while we were not listening
            await _first(stop.wait(), lost.wait())
        finally:
            self.listening.clear()
            if not conn.is_closed():
                await conn.close()


async def _first(*aws: Awaitable[object]) -> None:
    """Wait until the first of these completes; cancel the rest."""
    tasks = [asyncio.ensure_future(a) for a in aws]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for t in tasks:
            t.cancel()
