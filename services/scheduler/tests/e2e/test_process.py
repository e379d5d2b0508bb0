"""The scheduler as a real process: driven over HTTP, read back from Kafka, killed with SIGKILL and restarted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from iop_devkit.scheduler import patient, session
from iop_devkit.testing.kafka import TopicTail, eventually, unique
from iop_devkit.testing.ports import free_port
from iop_devkit.testing.ready import ready_now
from iop_shared.contracts.outbound import ReminderDue
from iop_shared.contracts.topics import REMINDERS

A = {"Authorization": "Bearer tok-a"}


@pytest.fixture
def launcher(database_url: str, kafka_bootstrap: str, pg_schema: str, group_id: str,
             tmp_path: Path) -> Iterator[Any]:
    """Starts `python -m iop_scheduler run` processes on this test's schema; kills what is left afterwards."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
           "IOP_ENVIRONMENT": "development", "SCHEDULER_DB_SCHEMA": pg_schema, "SCHEDULER_GROUP_ID": group_id,
           "SCHEDULER_HTTP_HOST": "127.0.0.1", "SCHEDULER_HTTP_PORT": str(port),
           "SCHEDULER_CLINIC_TOKENS": '{"clinic-a": "tok-a"}', "SCHEDULER_FIRST_OFFSETS": "16s,4s",
           "SCHEDULER_QUIET_START": "00:00", "SCHEDULER_QUIET_END": "23:59:59.999999",
           "SCHEDULER_CAP_PER_DAY": "0", "SCHEDULER_CAP_PER_WEEK": "0", "SCHEDULER_CHECKIN_ENABLED": "false",
           "SCHEDULER_SWEEP_INTERVAL": "1s"}
    procs: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        log = (tmp_path / f"scheduler-{len(procs)}.log").open("wb")
        proc = subprocess.Popen([sys.executable, "-m", "iop_scheduler", "run", "--no-provision"], env=env,
                                stdout=log, stderr=subprocess.STDOUT)
        procs.append(proc)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert proc.poll() is None, (tmp_path / f"scheduler-{len(procs) - 1}.log").read_text()[-2000:]
            if ready_now(f"http://127.0.0.1:{port}"):
                return proc
            time.sleep(0.2)
        raise AssertionError("scheduler did not become ready")

    launcher_obj = type("Launcher", (), {"start": staticmethod(start), "url": f"http://127.0.0.1:{port}",
                                         "log": staticmethod(lambda i: (tmp_path / f"scheduler-{i}.log").read_text())})
    yield launcher_obj
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.mark.e2e
async def test_sigkill_then_restart_catches_up_and_skips_what_started(launcher: Any, kafka_bootstrap: str) -> None:
    first = launcher.start()
    pid, late_pid, sid, late_sid = unique("p"), unique("p"), unique("s"), unique("s")
    t = datetime.now(UTC)
    # pid: due t+18 (while the scheduler is down) and t+30; late_pid: due t+10, session starts t+14 (down).
    later, sooner = t + timedelta(seconds=34), t + timedelta(seconds=14)
    async with httpx.AsyncClient(base_url=launcher.url, headers=A) as http, \
            TopicTail(kafka_bootstrap, REMINDERS.name) as tail:
        for body in (patient(pid).data, patient(late_pid).data, session(sid, later, [pid]).data,
                     session(late_sid, sooner, [late_pid]).data):
            url = "/v1/patients" if hasattr(body, "consent") else "/v1/sessions"
            assert (await http.post(url, json=body.model_dump(mode="json"))).status_code == 202

        async def planned() -> bool:
            rows = [(await http.get(f"/v1/patients/{p}/reminders")).json() for p in (pid, late_pid)]
            return [len(r) for r in rows] == [2, 1]  # late_pid's 16 s reminder was already past

        await eventually(planned, timeout=10)
        first.send_signal(signal.SIGKILL)
        first.wait()
        # Stay down until late_pid's session started and pid's first reminder (t+18) fell due.
        while datetime.now(UTC) < later - timedelta(seconds=15):
            await tail.settle(0.5)
        second = launcher.start()
        got = await tail.wait_for(lambda e: isinstance(e.data, ReminderDue) and e.data.patient_id == pid, 2, 15)
        await tail.settle(1.0)
        late = [e for e in tail.events() if isinstance(e.data, ReminderDue) and e.data.patient_id == late_pid]
        skipped = (await http.get(f"/v1/patients/{late_pid}/reminders")).json()
    assert late == []
    assert [(r["status"], r["skip_reason"]) for r in skipped] == [("skipped", "expired")]
    dues = [e.data.due_at for e in got if isinstance(e.data, ReminderDue)]
    assert dues == [later - timedelta(seconds=16), later - timedelta(seconds=4)]
    assert got[0].time > dues[0] + timedelta(seconds=2)  # caught up after the restart...
    assert all(e.time < later for e in got)  # ...and still before the session
    second.send_signal(signal.SIGTERM)
    # uvicorn re-raises the signal after its graceful shutdown, so the exit status is -SIGTERM.
    assert second.wait(timeout=20) in (0, -signal.SIGTERM)
    assert '"scheduler_stopped"' in launcher.log(1)
