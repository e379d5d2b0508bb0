"""The service as a process: driven through Kafka and HTTP, SIGKILLed, restarted, and stopped by SIGTERM."""

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest

from iop_devkit.attendance import envelope, patient_upserted, session_upserted
from iop_devkit.testing.kafka import TopicTail, eventually, publish, unique
from iop_devkit.testing.ports import free_port
from iop_devkit.testing.ready import answers_ready
from iop_shared.contracts.outbound import RiskFlagged, VisitMissed
from iop_shared.contracts.topics import RISK, VISITS

pytestmark = pytest.mark.e2e


@pytest.fixture
def start_process(kafka_bootstrap: str, database_url: str, pg_schema: str, group_id: str,
                  topics: str, tmp_path: Path) -> AsyncIterator[Callable[[], object]]:
    port = free_port()
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "DATABASE_URL": database_url,
           "IOP_TOPIC_PREFIX": topics, "IOP_ENVIRONMENT": "development", "ATTENDANCE_DB_SCHEMA": pg_schema,
           "ATTENDANCE_GROUP_ID": group_id, "ATTENDANCE_HTTP_PORT": str(port), "ATTENDANCE_MISSED_GRACE": "PT2S",
           "ATTENDANCE_LATE_SESSION_SETTLE": "PT1S",
           "ATTENDANCE_SWEEP_INTERVAL": "PT5S", "ATTENDANCE_API_TOKENS": json.dumps({"*": "ops-token"})}
    procs: list[subprocess.Popen[bytes]] = []

    def spawn() -> subprocess.Popen[bytes]:
        with (tmp_path / f"attendance-{len(procs)}.log").open("wb") as log:
            proc = subprocess.Popen([sys.executable, "-m", "iop_attendance", "run"], env=env,
                                    stdout=log, stderr=subprocess.STDOUT)
        procs.append(proc)
        return proc

    async def start() -> tuple[subprocess.Popen[bytes], str]:
        proc = spawn()
        url = f"http://127.0.0.1:{port}"

        async def ready() -> bool:
            assert proc.poll() is None, "the service exited"
            async with httpx.AsyncClient(timeout=2) as c:
                return await answers_ready(c, url)
        await eventually(ready, timeout=30)
        return proc, url

    yield start  # type: ignore[misc]
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


async def test_sigkill_then_restart_catches_up_on_timers_that_fell_due(
        start_process: Callable[[], object], kafka_bootstrap: str, db: asyncpg.Connection, tmp_path: Path) -> None:
    proc, url = await start_process()  # type: ignore[misc]
    patient, session = unique("p"), unique("s")
    starts = datetime.now(UTC) + timedelta(seconds=3)
    async with TopicTail(kafka_bootstrap, VISITS.name, RISK.name) as tail:
        await publish(kafka_bootstrap, envelope(patient_upserted(patient)),
                      envelope(session_upserted(session, [patient], starts)))

        async def expected() -> bool:
            return bool(await db.fetchval("SELECT true FROM visits WHERE session_id = $1", session))
        await eventually(expected)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        due = starts + timedelta(seconds=2)
        await eventually(lambda: datetime.now(UTC) > due + timedelta(seconds=1), timeout=15)
        proc, url = await start_process()  # type: ignore[misc]
        [missed] = await tail.wait_for(lambda e: isinstance(e.data, VisitMissed) and e.data.patient_id == patient)
        assert missed.data.detected_at > due + timedelta(seconds=1)  # type: ignore[attr-defined]
        # A miss before any attended session is an early no-show: high, raised by the restarted process.
        await tail.wait_for(lambda e: isinstance(e.data, RiskFlagged) and e.data.patient_id == patient
                            and e.data.rule == "early_no_show")
        async with httpx.AsyncClient(base_url=url, headers={"Authorization": "Bearer ops-token"}) as client:
            flags = (await client.get("/v1/flags", params={"severity": "high"})).json()["items"]
            assert patient in {f["patient_id"] for f in flags}
            await asyncio.wait_for(_stream_shows(client, patient, "iop.visit.missed.v1"), timeout=15)
        await tail.settle(1.0)
        assert len(tail.events(lambda e: isinstance(e.data, VisitMissed) and e.data.patient_id == patient)) == 1
    proc.send_signal(signal.SIGTERM)
    # uvicorn re-raises the signal after its graceful shutdown, so the exit status reports SIGTERM.
    assert await asyncio.to_thread(proc.wait, 20) in (0, -signal.SIGTERM)
    assert "attendance_stopped" in (tmp_path / "attendance-1.log").read_text()


async def _stream_shows(client: httpx.AsyncClient, patient: str, ce_type: str) -> None:
    """Read the server-sent events from the beginning until `ce_type` for the patient comes by."""
    async with client.stream("GET", "/v1/events/stream", headers={"Last-Event-ID": "0-0"}) as resp:
        assert resp.status_code == 200
        event = None
        async for line in resp.aiter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event == ce_type and patient in line:
                return
