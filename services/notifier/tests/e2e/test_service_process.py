"""The notifier as its own process (`python -m iop_notifier.entrypoints.main run`), driven through Kafka and HTTP."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator

import httpx
import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.twilio_fake import free_port
from iop_devkit.testing.kafka import TopicTail, eventually, publish
from iop_devkit.testing.ready import until_ready
from iop_shared.contracts.topics import CHECKINS


@pytest.fixture
async def service(topics: str, kafka_bootstrap: str, database_url: str, pg_schema: str,
                  group_id: str) -> AsyncIterator[str]:
    port = free_port()
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "DATABASE_URL": database_url,
           "IOP_ENVIRONMENT": "development", "NOTIFIER_DB_SCHEMA": pg_schema, "NOTIFIER_GROUP_ID": group_id,
           "NOTIFIER_HTTP_PORT": str(port), "NOTIFIER_EMBEDDED_TOKEN": "e2e-token-abcdef",
           "NOTIFIER_ADMIN_TOKEN": "e2e-admin-token-abcdef", "NOTIFIER_TRIAGE_TOKEN": "e2e-triage-token-abcdef",
           "IOP_TOPIC_PREFIX": topics}
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "iop_notifier.entrypoints.main", "run",
                                                env=env, stderr=asyncio.subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        await until_ready(base)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(proc.communicate(), timeout=20)
    # uvicorn re-raises the signal after its graceful shutdown, so the exit status is -SIGTERM.
    assert proc.returncode in (0, -signal.SIGTERM)
    assert b'"notifier_stopped"' in stderr
    assert b"+1555" not in stderr  # no phone numbers in the logs


@pytest.mark.e2e
async def test_reminder_and_crisis_reply_through_the_running_service(service: str, kafka_bootstrap: str) -> None:
    clinic, pid, sid = b.uid("cl"), b.uid("pt"), b.uid("ses")
    await publish(kafka_bootstrap, b.clinic(clinic, quiet=b.all_day()), b.patient(pid, clinic, phone_number=b.phone()),
                  b.session(sid, clinic, [pid]), b.reminder(pid, clinic, [sid]))
    async with httpx.AsyncClient(base_url=service) as http, TopicTail(kafka_bootstrap, CHECKINS.name) as tail:
        async def recorded() -> list[dict[str, str]]:
            body = (await http.get("/embedded/messages", params={"recipient_id": pid},
                                   headers={"Authorization": "Bearer e2e-token-abcdef"})).json()
            return list(body["messages"])
        await eventually(recorded)
        [reminder] = await recorded()
        assert "Riverside Wellness" in reminder["body"] and "not sent" in reminder["delivery"]

        reply = await http.post("/embedded/inbound", json={"patient_id": pid, "text": "Quiero morir"},
                                headers={"Authorization": "Bearer e2e-token-abcdef"})
        assert reply.json()["intent"] == "crisis"
        await tail.wait_for(lambda e: e.type == "iop.checkin.received.v1" and e.data.intent == "crisis", timeout=2)
        messages = await recorded()
        assert any("988" in m["body"] for m in messages)
        assert (await http.get("/openapi.json")).status_code == 200
        assert (await http.get("/healthz")).json() == {"status": "ok"}
