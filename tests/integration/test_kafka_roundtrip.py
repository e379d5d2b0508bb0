"""Every event model travels through real Kafka with CloudEvents headers, read back by a plain aiokafka consumer."""

from __future__ import annotations

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from iop_devkit.testing.kafka import TopicTail, publish, unique
from iop_shared.contracts import EVENT_TYPES, TOPICS, Envelope
from iop_shared.contracts.examples import EXAMPLES
from iop_shared.kafka import provision_topics

pytestmark = pytest.mark.integration


async def test_every_event_round_trips_through_kafka(kafka_bootstrap: str) -> None:
    run = unique("rt")
    sent = [Envelope(data=e.model.model_validate(EXAMPLES[e.ce_type]), source=f"iop/{run}") for e in EVENT_TYPES]
    async with TopicTail(kafka_bootstrap, *{e.topic for e in sent}) as tail:
        await publish(kafka_bootstrap, *sent)
        got = await tail.wait_for(lambda env: env.source == f"iop/{run}", count=len(sent))
    assert sorted((g.id, g.type, g.data.model_dump_json()) for g in got) == sorted(
        (s.id, s.type, s.data.model_dump_json()) for s in sent)
    for topic, headers, _ in tail.raw:
        if headers.get("ce_source") == f"iop/{run}":
            assert headers["content-type"] == "application/json" and headers["ce_specversion"] == "1.0"
            assert topic == next(e.topic for e in sent if e.id == headers["ce_id"])


async def test_provisioning_is_idempotent_and_declares_partitions_and_compaction(kafka_bootstrap: str) -> None:
    assert await provision_topics(kafka_bootstrap) == []
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        described = {d["topic"]: d for d in await admin.describe_topics([t.name for t in TOPICS])}
        for topic in TOPICS:
            assert len(described[topic.name]["partitions"]) == topic.partitions
        from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

        configs = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, "iop.patients.v1")])
        entries = {c[0]: c[1] for c in configs[0].resources[0][4]}
        assert entries["cleanup.policy"] == "compact"
    finally:
        await admin.close()
