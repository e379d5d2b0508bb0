"""The operator CLI against real Kafka, on a private set of topics: tail decodes, dead letters list and replay."""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner, Result

from iop_ctl.main import app
from iop_devkit.testing.kafka import TopicTail, publish, unique
from iop_shared.contracts import Envelope, encode
from iop_shared.contracts.inbound import SessionCancelled
from iop_shared.contracts.outbound import DeadLetter
from iop_shared.contracts.topics import DEADLETTER, SESSIONS
from iop_shared.kafka import provision_topics

pytestmark = pytest.mark.integration


async def _cli(args: list[str]) -> Result:
    # The CLI runs its own event loop, so it runs in a thread of its own, as from a terminal.
    runner = CliRunner()
    return await asyncio.to_thread(lambda: runner.invoke(app, args))


@pytest.fixture
async def private_topics(kafka_bootstrap: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("IOP_TOPIC_PREFIX", f"{unique('ctl')}.")
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka_bootstrap)
    await provision_topics(kafka_bootstrap)
    return kafka_bootstrap


async def test_tail_prints_decoded_events_and_flags_undecodable_ones(private_topics: str) -> None:
    event = Envelope(data=SessionCancelled(session_id="ses-tail", reason="snow", revision=4), source="iop/ctl-test")
    await publish(private_topics, event)
    result = await _cli(["tail", "sessions", "--from-beginning", "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert "iop.session.cancelled.v1" in result.output and event.id in result.output and '"ses-tail"' in result.output


async def test_dead_letters_are_listed_and_replayed_to_their_source_topic(private_topics: str) -> None:
    original = encode(Envelope(data=SessionCancelled(session_id="ses-dlq", revision=2), source="iop/clinic"))
    letter = DeadLetter(source_topic=SESSIONS.name, partition=0, offset=7, key="ses-dlq",
                        headers={k: v.decode() for k, v in original.headers},
                        value_b64=base64.b64encode(original.value).decode(), error="ValueError: boom",
                        service="scheduler", failed_at=datetime.now(UTC))
    await publish(private_topics, Envelope(data=letter, source="iop/scheduler"))
    listed = await _cli(["deadletters", "list"])
    assert listed.exit_code == 0 and "ValueError: boom" in listed.output and "scheduler" in listed.output
    async with TopicTail(private_topics, SESSIONS.name) as tail:
        replayed = await _cli(["deadletters", "replay", "--service", "scheduler", "--yes"])
        assert replayed.exit_code == 0 and "replayed 1" in replayed.output, replayed.output
        await tail.wait_for(lambda e: isinstance(e.data, SessionCancelled) and e.data.session_id == "ses-dlq")
    _, headers, value = tail.raw[0]
    assert json.loads(value) == json.loads(original.value)
    assert headers["iop_replayed_from"].startswith(f"{DEADLETTER.name}:")
    assert headers["ce_id"] == dict((k, v.decode()) for k, v in original.headers)["ce_id"]
