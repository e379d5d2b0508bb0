"""Kafka wiring: the broker factory, topic provisioning from the registry, and metadata loading.

Guarded consumers (dead letters, retries, batches) live in `iop_shared.consumer`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewPartitions, NewTopic
from aiokafka.client import AIOKafkaClient
from aiokafka.errors import KafkaError, TopicAlreadyExistsError
from faststream.kafka import KafkaBroker

from .contracts import TOPICS, Topic
from .logging import get_logger
from .settings import KafkaAdminSettings

log = get_logger(__name__)

async def wait_for_kafka(bootstrap_servers: str, *, timeout: float | None = None) -> None:
    """Return once a broker answers at `bootstrap_servers`, backing off meanwhile; raise after `timeout` seconds.

    Kafka may start after us (a deploy, a broker restart): a service waits for it instead of exiting.
    The default timeout is IOP_KAFKA_CONNECT_TIMEOUT (300 s).
    """
    limit = KafkaAdminSettings().kafka_connect_timeout if timeout is None else timeout
    deadline, delay = time.monotonic() + limit, 0.25
    while True:
        client = AIOKafkaClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=5000)
        try:
            await client.bootstrap()
            return
        except (KafkaError, OSError) as exc:
            if time.monotonic() + delay > deadline:
                raise
            log.warning("kafka_unavailable_waiting", bootstrap=bootstrap_servers, error=type(exc).__name__,
                        retry_in=round(delay, 2))
        finally:
            await client.close()
        await asyncio.sleep(delay)
        delay = min(delay * 2, 5.0)


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
    await wait_for_kafka(bootstrap_servers)
    settings = KafkaAdminSettings()
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    changed: list[str] = []
    try:
        existing = await admin.describe_topics([t.name for t in topics])
        counts = {d["topic"]: len(d["partitions"]) for d in existing if d["error_code"] == 0}
        for topic in topics:
            if topic.name not in counts:
                try:
                    await admin.create_topics([_new_topic(topic, settings)])
                    changed.append(f"created {topic.name}")
                except TopicAlreadyExistsError:
                    pass
            elif counts[topic.name] < topic.partitions:
                await admin.create_partitions({topic.name: NewPartitions(topic.partitions)})
                changed.append(f"grew {topic.name} to {topic.partitions} partitions")
    finally:
        await admin.close()
    return changed


def _new_topic(topic: Topic, settings: KafkaAdminSettings) -> NewTopic:
    """Durability from settings: IOP_TOPIC_REPLICATION_FACTOR and IOP_TOPIC_MIN_INSYNC_REPLICAS (1/1 in dev)."""
    configs = {"cleanup.policy": "compact" if topic.compacted else "delete",
               "retention.ms": str(topic.retention_ms),
               "min.insync.replicas": str(settings.topic_min_insync_replicas)}
    return NewTopic(topic.name, num_partitions=topic.partitions,
                    replication_factor=settings.topic_replication_factor, topic_configs=configs)


async def load_metadata(consumer: Any) -> None:
    """Fetch the whole cluster's metadata into a consumer without a subscription, so partitions_for_topic answers."""
    # aiokafka has no public call for this; the client's refresh is what its own subscribe path uses.
    await consumer._client.force_metadata_update()
