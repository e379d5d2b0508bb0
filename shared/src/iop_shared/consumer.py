"""Guarded Kafka consumers: dead letters for what can never be applied, retries for what may pass later.

FastStream's AckPolicy.ACK commits even when a handler raises, so failures are routed here deliberately:
a message that breaks the contract, or whose handler fails with a non-transient error, goes to the
dead-letter topic with its reason and is committed; a transient fault (database or network) is retried
with backoff and, if it persists, the message is not committed and is redelivered (NACK seeks back).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from faststream import AckPolicy
from faststream.kafka import KafkaBroker, KafkaMessage
from opentelemetry.trace import SpanKind
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential, wait_random

from .asyncapi import record_subscription
from .contracts import Contract, ContractError, Envelope, Topic, decode, headers_to_dict
from .deadletter import DeadLetterPublisher
from .faults import TRANSIENT_ERRORS, is_transient
from .health import PROGRESS
from .logging import get_logger
from .tracing import context_from, span

__all__ = ["TRANSIENT_ERRORS", "BatchHandler", "DeadLetterPublisher", "Handler", "subscribe_events"]
log = get_logger(__name__)

Handler = Callable[[Envelope[Contract]], Awaitable[None]]
BatchHandler = Callable[[Sequence[Envelope[Contract]]], Awaitable[None]]


@dataclass(frozen=True)
class _Decoded:
    record: Any
    envelope: Envelope[Contract]


class _Guard:
    """Runs handlers with retries; a run of events that fails for good is retried one by one to find the culprit."""

    def __init__(self, handlers: Mapping[str, Handler], batch_handlers: Mapping[str, BatchHandler],
                 dead_letters: DeadLetterPublisher, retry_attempts: int) -> None:
        self.handlers, self.batch_handlers = handlers, batch_handlers
        self.dead_letters, self.retry_attempts = dead_letters, retry_attempts

    async def partition(self, records: list[Any]) -> None:
        """Apply one partition's records in order: consecutive events for the same batch handler go together."""
        run: list[_Decoded] = []
        for record in records:
            item = await self._decode(record)
            if item is None:
                continue
            batch_handler = self.batch_handlers.get(item.envelope.type)
            if run and batch_handler is not self.batch_handlers[run[0].envelope.type]:
                await self._run(run)
                run = []
            if batch_handler is not None:
                run.append(item)
            elif (handler := self.handlers.get(item.envelope.type)) is not None:
                await self._guarded([item], _one_by_one(handler))
            # else: another service's event on a shared topic
        if run:
            await self._run(run)

    async def _decode(self, record: Any) -> _Decoded | None:
        try:
            return _Decoded(record, decode(headers_to_dict(record.headers or []), record.value))
        except ContractError as exc:
            await self.dead_letters.publish(record, str(exc))
        except Exception as exc:  # whatever a value does to the decoder, it never decodes later
            await self.dead_letters.publish(record, f"undecodable value: {type(exc).__name__}")
        return None

    async def _run(self, run: list[_Decoded]) -> None:
        handler = self.batch_handlers[run[0].envelope.type]

        async def apply(items: list[_Decoded]) -> None:
            await handler([item.envelope for item in items])

        if len(run) > 1 and await self._attempt(run, apply):
            return
        # The run failed for good: each event alone, so only the one that cannot be applied is dead-lettered.
        for item in run:
            await self._guarded([item], apply)

    async def _attempt(self, items: list[_Decoded], apply: Callable[[list[_Decoded]], Awaitable[None]]) -> bool:
        """True when applied; False on a permanent failure (a persisting transient fault raises)."""
        try:
            await self._retrying(items, apply)
        except Exception as exc:
            if is_transient(exc):
                raise
            log.warning("batch_failed_applying_one_by_one", topic=items[0].record.topic, size=len(items),
                        error=type(exc).__name__)
            return False
        return True

    async def _guarded(self, items: list[_Decoded], apply: Callable[[list[_Decoded]], Awaitable[None]]) -> None:
        record, envelope = items[0].record, items[0].envelope
        try:
            await self._retrying(items, apply)
        except ContractError as exc:
            await self.dead_letters.publish(record, str(exc))
        except Exception as exc:
            if is_transient(exc):
                raise
            log.exception("handler_failed", topic=record.topic, offset=record.offset, ce_type=envelope.type)
            await self.dead_letters.publish(record, f"{type(exc).__name__}: {exc}")

    async def _retrying(self, items: list[_Decoded], apply: Callable[[list[_Decoded]], Awaitable[None]]) -> None:
        """Apply, retrying transient faults with backoff; one that persists is logged and raised (redelivery)."""
        with _consume_span(items):
            await self._retrying_untraced(items, apply)

    async def _retrying_untraced(self, items: list[_Decoded],
                                 apply: Callable[[list[_Decoded]], Awaitable[None]]) -> None:
        try:
            async for attempt in AsyncRetrying(
                    retry=retry_if_exception(is_transient), stop=stop_after_attempt(self.retry_attempts),
                    wait=wait_exponential(multiplier=0.2, max=5) + wait_random(0, 0.2), reraise=True):
                with attempt:
                    await apply(items)
        except Exception as exc:
            if is_transient(exc):
                log.error("transient_failure_redeliver", topic=items[0].record.topic,
                          offset=items[0].record.offset, error=type(exc).__name__)
            raise


def _consume_span(items: list[_Decoded]) -> AbstractContextManager[object]:
    """The handler's span, continuing the trace of the (first) event's traceparent header; ids only."""
    record, envelope = items[0].record, items[0].envelope
    return span(f"process {record.topic}", parent=context_from(record.headers), kind=SpanKind.CONSUMER,
                attributes={"messaging.system": "kafka", "messaging.destination.name": record.topic,
                            "messaging.message.id": envelope.id, "cloudevents.event_type": envelope.type,
                            "messaging.kafka.offset": record.offset, "messaging.batch.message_count": len(items)})


def _one_by_one(handler: Handler) -> Callable[[list[_Decoded]], Awaitable[None]]:
    async def apply(items: list[_Decoded]) -> None:
        await handler(items[0].envelope)
    return apply


def subscribe_events(broker: KafkaBroker, *, topic: Topic, group_id: str, handlers: Mapping[str, Handler],
                     dead_letters: DeadLetterPublisher, batch_handlers: Mapping[str, BatchHandler] | None = None,
                     retry_attempts: int = 5, max_records: int = 500) -> None:
    """Consume `topic` in `group_id`, dispatching by ce_type; contract errors and bugs go to dead letters.

    Records arrive in batches of up to `max_records` (one offset commit per batch, after every record of it
    was handled); the partitions of a batch are handled concurrently, each in its own order, so per-key order
    holds. A batch handler gets a partition's consecutive events of its types in one call.
    """
    guard = _Guard(handlers, batch_handlers or {}, dead_letters, retry_attempts)

    async def consume(msg: KafkaMessage) -> None:
        records = msg.raw_message if isinstance(msg.raw_message, tuple) else (msg.raw_message,)
        by_partition: dict[tuple[str, int], list[Any]] = defaultdict(list)
        for record in records:
            by_partition[(record.topic, record.partition)].append(record)
        # A transient failure raises out of here: the whole batch is redelivered (NACK seeks back) and the
        # records already applied are skipped by the handlers' inbox.
        keys = {tp: (group_id, *tp) for tp in by_partition}
        for tp, group in by_partition.items():
            PROGRESS.attempting(keys[tp], group[0].offset)
        try:
            await asyncio.gather(*(guard.partition(group) for group in by_partition.values()))
        except BaseException:
            for key in keys.values():
                PROGRESS.failed(key)
            raise
        for key in keys.values():
            PROGRESS.done(key)

    types = sorted({*handlers, *(batch_handlers or {})})
    record_subscription(broker, topic.name, types)
    broker.subscriber(
        topic.name, group_id=group_id, auto_offset_reset="earliest", ack_policy=AckPolicy.NACK_ON_ERROR,
        batch=True, max_records=max_records, batch_timeout_ms=100,
        decoder=_raw_body, title=f"{group_id}:{topic.name}",
        description=f"Consumes {', '.join(types)}",
    )(consume)


async def _raw_body(msg: Any) -> Any:
    # Decoding happens in `consume`, so a malformed value reaches our dead-letter path, not FastStream's parser.
    return msg.body
