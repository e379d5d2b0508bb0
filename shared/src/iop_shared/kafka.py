"""Kafka wiring: the broker factory, topic provisioning from the registry, and guarded event consumers.

FastStream's AckPolicy.ACK commits even when a handler raises, so failures are routed here deliberately:
a message that breaks the contract, or whose handler fails with a non-transient error, goes to the
dead-letter topic with its reason and is committed; a transient fault (database or network) is retried
with backoff and, if it persists, the message is not committed and is redelivered (NACK seeks back).
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewPartitions, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker, KafkaMessage
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential, wait_random

from .asyncapi import record_subscription
from .contracts import TOPICS, Contract, ContractError, Envelope, Topic, decode, encode, headers_to_dict
from .contracts.outbound import DeadLetter
from .logging import get_logger

log = get_logger(__name__)

Handler = Callable[[Envelope[Contract]], Awaitable[None]]
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OSError, TimeoutError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError,
    asyncpg.exceptions.SerializationError, asyncpg.exceptions.DeadlockDetectedError,
    asyncpg.exceptions.TooManyConnectionsError, KafkaError,
    # The schema or grants are missing: an operator fixes that, and then the same message succeeds.
    asyncpg.exceptions.UndefinedTableError, asyncpg.exceptions.InvalidSchemaNameError,
    asyncpg.exceptions.InsufficientPrivilegeError,
)


def make_broker(bootstrap_servers: str, client_id: str) -> KafkaBroker:
    """A FastStream broker with an idempotent acks=all producer that never creates topics by itself."""
    # FastStream's own access logger writes a plain-text line per message; ours goes through the JSON root
    # handler and keeps only warnings (a subscriber's failures are logged by subscribe_events itself).
    faststream_log = logging.getLogger("iop.faststream")
    faststream_log.setLevel(logging.WARNING)
    return KafkaBroker(bootstrap_servers, client_id=client_id, enable_idempotence=True, acks="all",
                       allow_auto_create_topics=False, logger=faststream_log, log_level=logging.DEBUG)


async def provision_topics(bootstrap_servers: str, topics: tuple[Topic, ...] = TOPICS) -> list[str]:
    """Create missing topics with their partitions and configs, grow short ones; return what changed."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    changed: list[str] = []
    try:
        existing = await admin.describe_topics([t.name for t in topics])
        counts = {d["topic"]: len(d["partitions"]) for d in existing if d["error_code"] == 0}
        for topic in topics:
            if topic.name not in counts:
                try:
                    await admin.create_topics([_new_topic(topic)])
                    changed.append(f"created {topic.name}")
                except TopicAlreadyExistsError:
                    pass
            elif counts[topic.name] < topic.partitions:
                await admin.create_partitions({topic.name: NewPartitions(topic.partitions)})
                changed.append(f"grew {topic.name} to {topic.partitions} partitions")
    finally:
        await admin.close()
    return changed


def _new_topic(topic: Topic) -> NewTopic:
    configs = {"cleanup.policy": "compact" if topic.compacted else "delete",
               "retention.ms": str(topic.retention_ms), "min.insync.replicas": "1"}
    return NewTopic(topic.name, num_partitions=topic.partitions, replication_factor=1, topic_configs=configs)


class DeadLetterPublisher:
    """Publishes what can never be processed to iop.deadletter.v1, with its reason."""

    def __init__(self, producer: AIOKafkaProducer, service: str) -> None:
        self._producer = producer
        self._service = service

    async def publish(self, record: Any, error: str) -> None:
        headers = headers_to_dict(record.headers or [])
        key = record.key.decode("utf-8", "replace") if record.key else None
        letter = DeadLetter(
            source_topic=record.topic, partition=record.partition, offset=record.offset, key=key,
            headers=headers, value_b64=base64.b64encode(record.value or b"").decode(), error=error[:1000],
            service=self._service, failed_at=datetime.now(UTC))
        out = encode(Envelope(data=letter, source=f"iop/{self._service}"))
        await self._producer.send_and_wait(out.topic, out.value, key=record.key or b"", headers=out.headers)
        log.warning("dead_lettered", topic=record.topic, partition=record.partition, offset=record.offset,
                    reason=error[:200])


def subscribe_events(broker: KafkaBroker, *, topic: Topic, group_id: str, handlers: Mapping[str, Handler],
                     dead_letters: DeadLetterPublisher, retry_attempts: int = 5, max_records: int = 500) -> None:
    """Consume `topic` in `group_id`, dispatching by ce_type; contract errors and bugs go to dead letters.

    Records arrive in batches (one offset commit per batch, after every record of it was handled); the
    partitions of a batch are handled concurrently, each in its own order, so per-key order holds.
    """

    async def handle(record: Any) -> None:
        try:
            envelope = decode(headers_to_dict(record.headers or []), record.value)
        except ContractError as exc:
            await dead_letters.publish(record, str(exc))
            return
        handler = handlers.get(envelope.type)
        if handler is None:
            return  # another service's event on a shared topic
        try:
            async for attempt in AsyncRetrying(
                retry=retry_if_exception_type(TRANSIENT_ERRORS), stop=stop_after_attempt(retry_attempts),
                wait=wait_exponential(multiplier=0.2, max=5) + wait_random(0, 0.2), reraise=True):
                with attempt:
                    await handler(envelope)
        except TRANSIENT_ERRORS:
            log.error("transient_failure_redeliver", topic=record.topic, offset=record.offset)
            raise
        except ContractError as exc:
            await dead_letters.publish(record, str(exc))
        except Exception as exc:
            log.exception("handler_failed", topic=record.topic, offset=record.offset, ce_type=envelope.type)
            await dead_letters.publish(record, f"{type(exc).__name__}: {exc}")

    async def handle_in_order(records: list[Any]) -> None:
        for record in records:
            await handle(record)

    async def consume(msg: KafkaMessage) -> None:
        records = msg.raw_message if isinstance(msg.raw_message, tuple) else (msg.raw_message,)
        by_partition: dict[tuple[str, int], list[Any]] = defaultdict(list)
        for record in records:
            by_partition[(record.topic, record.partition)].append(record)
        # A transient failure raises out of here: the whole batch is redelivered (NACK seeks back) and the
        # records already applied are skipped by the handlers' inbox.
        await asyncio.gather(*(handle_in_order(group) for group in by_partition.values()))

    record_subscription(broker, topic.name, list(handlers))
    broker.subscriber(
        topic.name, group_id=group_id, auto_offset_reset="earliest", ack_policy=AckPolicy.NACK_ON_ERROR,
        batch=True, max_records=max_records, batch_timeout_ms=100,
        decoder=_raw_body, title=f"{group_id}:{topic.name}",
        description=f"Consumes {', '.join(sorted(handlers))}",
    )(consume)


async def _raw_body(msg: Any) -> Any:
    # Decoding happens in `consume`, so a malformed value reaches our dead-letter path, not FastStream's parser.
    return msg.body


def provision_main() -> None:
    """`iop-topics`: create or grow the v1 topics on KAFKA_BOOTSTRAP_SERVERS (idempotent)."""
    from .settings import BaseServiceSettings

    settings = BaseServiceSettings()
    changed = asyncio.run(provision_topics(settings.kafka_bootstrap_servers))
    for line in changed or ["topics already provisioned"]:
        print(line)


async def load_metadata(consumer: Any) -> None:
    """Fetch the whole cluster's metadata into a consumer without a subscription, so partitions_for_topic answers."""
    # aiokafka has no public call for this; the client's refresh is what its own subscribe path uses.
    await consumer._client.force_metadata_update()
