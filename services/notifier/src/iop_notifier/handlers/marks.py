"""Claims started and sends recorded in batches: concurrent senders' writes coalesce into one statement.

Each caller still waits for its own row to commit before it goes on (the start before the provider call,
the `sent` record before the claim counts as settled), so a crash anywhere leaves what it left before.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from iop_notifier.adapters import repository as repo
from iop_notifier.adapters.providers import Accepted, Outgoing
from iop_notifier.adapters.sql import Q
from iop_notifier.metrics import SENT
from iop_shared import outbox
from iop_shared.contracts.cloudevents import Envelope
from iop_shared.contracts.outbound import NotificationSent, RecipientKind

from .deps import SOURCE, Deps
from .webhooks import apply_early

T = TypeVar("T")
R = TypeVar("R")


class Coalescer(Generic[T, R]):
    """Items submitted within `linger_s` of each other (up to `max_items`) go to one `flush` call."""

    def __init__(self, flush: Callable[[list[T]], Awaitable[list[R]]], *, max_items: int = 256,
                 linger_s: float = 0.003) -> None:
        self._flush, self._max, self._linger = flush, max_items, linger_s
        self._items: list[tuple[T, asyncio.Future[R]]] = []
        self._full = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()

    async def submit(self, item: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._items.append((item, future))
        if len(self._items) == 1:
            task = asyncio.create_task(self._run())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        elif len(self._items) >= self._max:
            self._full.set()
        return await future

    async def _run(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._full.wait(), self._linger)
        batch, self._items = self._items, []
        self._full.clear()
        try:
            results = await self._flush([item for item, _ in batch])
        except BaseException as exc:  # every waiter learns it: its row was not written
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)


@dataclass(frozen=True)
class SentItem:
    req: repo.RequestRow
    out: Outgoing
    accepted: Accepted


class Marks:
    """The dispatcher's two hot writes, batched: `start` (the fencing check) and `sent`."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps
        self.start: Coalescer[Outgoing, bool] = Coalescer(self._start_many)
        self.sent: Coalescer[SentItem, bool] = Coalescer(self._sent_many)

    async def _start_many(self, outs: list[Outgoing]) -> list[bool]:
        rows = await self._deps.pool.fetch(Q["start_calls"], [o.notification_id for o in outs],
                                           [o.attempt for o in outs])
        started = {r["notification_id"] for r in rows}
        return [o.notification_id in started for o in outs]

    async def _sent_many(self, items: list[SentItem]) -> list[bool]:
        async with self._deps.pool.acquire() as conn, conn.transaction():
            return await record_sent_many(conn, items, self._deps.clock.now())


async def record_sent_many(conn: repo.Conn, items: list[SentItem], now: datetime) -> list[bool]:
    """dispatch's record_sent for many: ledger, requests and `sent` events, early callbacks; False where the
    send had been recorded already (by reconciliation)."""
    from .sending import _sent_reason  # one rule for the reason, wherever the send is recorded

    await conn.fetch(Q["lock_requests"], [i.req.id for i in items])  # request before ledger, as the dispatcher
    marked = {r["notification_id"] for r in await conn.fetch(
        Q["mark_sent_many"], [i.out.notification_id for i in items], [i.accepted.status for i in items],
        [i.accepted.provider for i in items], [i.accepted.provider_message_id for i in items], now)}
    done = [i for i in items if i.out.notification_id in marked]
    await conn.execute(Q["done_many"], [i.req.id for i in done])
    envelopes = []
    for i in done:
        SENT.labels(i.accepted.event_channel.value).inc()
        envelopes.append(Envelope(data=NotificationSent(
            notification_id=i.out.notification_id, source_event_id=i.req.source_event_id,
            recipient_kind=RecipientKind(i.req.recipient_kind), recipient_id=i.req.recipient_id, occurred_at=now,
            channel=i.accepted.event_channel, provider_message_id=i.accepted.provider_message_id,
            reason_code=_sent_reason(i.req)), source=SOURCE))
    await outbox.add(conn, envelopes)
    early = await conn.fetch(Q["early_callbacks_of"], [i.accepted.provider_message_id for i in done])
    for row in early:  # a callback that came before we recorded the send (rare)
        await apply_early(conn, row["message_sid"], now)
    return [i.out.notification_id in marked for i in items]


def marks_of(deps: Deps) -> Marks:
    """The deps' batched writers, made on first use (inside the running loop)."""
    if deps.marks is None:
        deps.marks = Marks(deps)
    marks: Marks = deps.marks
    return marks
