"""Start-up settle by facts: the end offsets seen at start, and when our consumer groups have committed past them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from iop_shared.kafka import load_metadata
from iop_shared.logging import get_logger

log = get_logger(__name__)


async def backlog_targets(bootstrap: str, topics: list[str]) -> dict[TopicPartition, int]:
    """Each partition's end offset now, for the partitions that hold anything to read."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        await load_metadata(consumer)
        parts = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or ())]
        ends = await consumer.end_offsets(parts)
        begins = await consumer.beginning_offsets(parts)
    finally:
        await consumer.stop()
    return {tp: end for tp, end in ends.items() if end > begins.get(tp, 0)}


async def behind(admin: AIOKafkaAdminClient, groups: Mapping[str, str],
                 targets: Mapping[TopicPartition, int]) -> dict[TopicPartition, int]:
    """The partitions whose group (by topic) has not yet committed up to its target, with how far it is."""
    left: dict[TopicPartition, int] = {}
    for topic, group in groups.items():
        parts = [tp for tp in targets if tp.topic == topic]
        if not parts:
            continue
        committed = await admin.list_consumer_group_offsets(group, partitions=parts)
        for tp in parts:
            at = committed[tp].offset if tp in committed else -1
            if at < targets[tp]:
                left[tp] = targets[tp] - max(at, 0)
    return left


async def wait_caught_up(bootstrap: str, groups: Mapping[str, str], *, poll: float = 0.25) -> None:
    """Return once every group in `groups` (topic -> consumer group) has applied what its topic held at the call.

    A consumer commits only after its transaction, so a committed offset at the end offset seen at start means
    the backlog that was waiting then is in the database: timers deciding on it can no longer be fooled by lag.
    """
    started = time.monotonic()
    targets = await backlog_targets(bootstrap, list(groups))
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        last_log = started
        while left := await behind(admin, groups, targets):
            if time.monotonic() - last_log > 10:
                log.info("attendance_catching_up", partitions=len(left), records=sum(left.values()))
                last_log = time.monotonic()
            await asyncio.sleep(poll)
    finally:
        await admin.close()
    log.info("attendance_caught_up", partitions=len(targets), waited_s=round(time.monotonic() - started, 2))
