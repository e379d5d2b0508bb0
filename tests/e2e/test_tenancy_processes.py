"""The issue's attacks against the three services running as processes: every one refused, no owner changes.

Clinic B enrols a patient and its care team; clinic A then tries the takeover (HTTP and Kafka, revision int64
max), the roster injection (session over HTTP and Kafka, attendance over HTTP), the care-team redirect and a
forged `ce_source`. Each service answers 403 or dead-letters `tenant_mismatch`, and each one's read model keeps
the patient, its phone and its care team as clinic B wrote them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.testing.kafka import TopicTail, eventually, private_prefix, publish
from iop_devkit.testing.plugin import fresh_schema
from iop_devkit.testing.ports import free_port
from iop_devkit.testing.ready import ready_now
from iop_shared.contracts import Contract, Envelope, clinic_source
from iop_shared.contracts.outbound import DeadLetter
from iop_shared.contracts.topics import DEADLETTER

pytestmark = pytest.mark.e2e
TOKENS = {"clinic-a": "e2e-clinic-a-token-7f3c", "clinic-b": "e2e-clinic-b-token-91d2"}
A = {"Authorization": f"Bearer {TOKENS['clinic-a']}"}
B = {"Authorization": f"Bearer {TOKENS['clinic-b']}"}
SERVICES = {"scheduler": ["-m", "iop_scheduler", "run", "--no-provision"],
            "attendance": ["-m", "iop_attendance", "run"],
            "notifier": ["-m", "iop_notifier.entrypoints.main", "run"]}


@pytest.fixture
async def topics(kafka_bootstrap: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    async with private_prefix(kafka_bootstrap, "e2etenancy", monkeypatch) as prefix:
        yield prefix


@pytest.fixture
async def schemas(database_url: str) -> AsyncIterator[dict[str, str]]:
    async with fresh_schema(database_url) as s, fresh_schema(database_url) as a, fresh_schema(database_url) as n:
        yield {"scheduler": s, "attendance": a, "notifier": n}


def environment(name: str, schema: str, port: int) -> dict[str, str]:
    group = f"e2e-{name}-{uuid.uuid4().hex[:8]}"
    prefix = name.upper()
    env = {f"{prefix}_DB_SCHEMA": schema, f"{prefix}_GROUP_ID": group, f"{prefix}_HTTP_PORT": str(port),
           f"{prefix}_HTTP_HOST": "127.0.0.1"}
    if name == "scheduler":
        env |= {"SCHEDULER_CLINIC_TOKENS": json.dumps(TOKENS), "SCHEDULER_SWEEP_INTERVAL": "1s"}
    elif name == "attendance":
        env |= {"ATTENDANCE_API_TOKENS": json.dumps(TOKENS)}
    else:
        env |= {"NOTIFIER_EMBEDDED_TOKEN": "e2e-token-abcdef", "NOTIFIER_ADMIN_TOKEN": "e2e-admin-token-abcdef",
                "NOTIFIER_TRIAGE_TOKEN": "e2e-triage-token-abcdef"}
    return env


@pytest.fixture
def services(topics: str, schemas: dict[str, str], kafka_bootstrap: str, database_url: str,
             tmp_path: Path) -> Iterator[dict[str, str]]:
    """The three services as processes on this test's topics and schemas: name -> base URL."""
    common = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "DATABASE_URL": database_url,
              "IOP_ENVIRONMENT": "development", "IOP_TOPIC_PREFIX": topics}
    procs: list[subprocess.Popen[bytes]] = []
    urls: dict[str, str] = {}
    try:
        for name, args in SERVICES.items():
            port = free_port()
            with (tmp_path / f"{name}.log").open("wb") as log:
                procs.append(subprocess.Popen([sys.executable, *args], stdout=log, stderr=subprocess.STDOUT,
                                              env={**common, **environment(name, schemas[name], port)}))
            urls[name] = f"http://127.0.0.1:{port}"
        for (name, url), proc in zip(urls.items(), procs, strict=True):
            _wait_ready(name, url, proc, tmp_path)
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()


def _wait_ready(name: str, url: str, proc: subprocess.Popen[bytes], logs: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, (logs / f"{name}.log").read_text()[-2000:]
        if ready_now(url):
            return
        time.sleep(0.3)
    raise AssertionError(f"{name} not ready: {(logs / f'{name}.log').read_text()[-2000:]}")


async def fetch(database_url: str, schema: str, sql: str, *args: object) -> Any:
    conn = await asyncpg.connect(database_url, server_settings={"search_path": schema})
    try:
        return await conn.fetchrow(sql, *args)
    finally:
        await conn.close()


def from_clinic(env: Envelope[Contract], publisher: str, **changes: object) -> Envelope[Contract]:
    """The event with `changes`, published (ce_source) by `publisher`, under a new event id."""
    data = env.data.model_copy(update=changes) if changes else env.data
    return replace(env, data=data, source=clinic_source(publisher, "ehr"), id=str(uuid.uuid4()))


async def test_a_second_clinic_cannot_take_over_inject_or_redirect(
        services: dict[str, str], schemas: dict[str, str], kafka_bootstrap: str, database_url: str) -> None:
    pid, team, sid, b_phone, a_phone = b.uid("pt"), b.uid("team"), b.uid("ses"), b.phone(), b.phone()
    patient_b = b.patient(pid, "clinic-b", phone_number=b_phone, care_team_id=team)
    async with httpx.AsyncClient() as http, TopicTail(kafka_bootstrap, DEADLETTER.name) as tail:
        await publish(kafka_bootstrap, b.clinic("clinic-b"),
                      b.care_team(team, "clinic-b", [("m-b", True, b_phone, "oncall@b.example.org")]))
        enrolled = await http.post(f"{services['scheduler']}/v1/patients", headers=B,
                                   json=patient_b.data.model_dump(mode="json"))
        assert enrolled.status_code == 202

        async def everywhere() -> bool:
            rows = [await fetch(database_url, schemas[s], "SELECT clinic_id FROM patients WHERE patient_id = $1",
                                pid) for s in SERVICES]
            return all(r is not None and r["clinic_id"] == "clinic-b" for r in rows)
        await eventually(everywhere, timeout=40)

        takeover = {**patient_b.data.model_dump(mode="json"), "clinic_id": "clinic-a", "phone": a_phone,
                    "revision": 2**63 - 1}
        refused = await http.post(f"{services['scheduler']}/v1/patients", headers=A, json=takeover)
        assert refused.status_code == 403 and refused.json()["detail"][0]["loc"] == ["body", "clinic_id"]
        session_a = b.session(sid, "clinic-a", [pid], starts_in=timedelta(days=2))
        roster = await http.post(f"{services['scheduler']}/v1/sessions", headers=A,
                                 json=session_a.data.model_dump(mode="json"))
        assert roster.status_code == 403 and roster.json()["detail"][0]["loc"] == ["body", "attendees", "0"]
        await publish(kafka_bootstrap, b.session(sid, "clinic-a", [], starts_in=timedelta(days=2)))
        await _session_known(database_url, schemas["attendance"], sid)
        record = {"session_id": sid, "patient_id": pid, "status": "absent", "source": "kiosk"}
        absent = await http.post(f"{services['attendance']}/v1/attendance", headers=A, json=record)
        assert absent.status_code == 403 and absent.json()["detail"][0]["loc"][-1] == "patient_id"

        await publish(kafka_bootstrap,
                      from_clinic(patient_b, "clinic-a", clinic_id="clinic-a", phone=a_phone, revision=2**63 - 1),
                      replace(from_clinic(patient_b, "clinic-b", revision=7), source="clinic-b/ehr"),
                      from_clinic(b.care_team(team, "clinic-a", [("m-a", True, a_phone, "pager@a.example.org")]),
                                  "clinic-a"),
                      from_clinic(session_a, "clinic-a", revision=2))
        # patient takeover x3 services, forged source x3, care-team redirect (notifier), roster x2
        await tail.wait_for(lambda e: isinstance(e.data, DeadLetter) and e.data.key in (pid, team, sid), 9, 60)
        letters = [e.data for e in tail.events() if isinstance(e.data, DeadLetter)]
    by_key = {k: sorted((lt.service, lt.error.split(": ")[1]) for lt in letters if lt.key == k)
              for k in (pid, team, sid)}
    assert all(lt.error.startswith("tenant_mismatch: ") for lt in letters)
    assert by_key[pid] == sorted([(s, f) for s in SERVICES for f in ("clinic_id", "ce_source")])
    assert by_key[team] == [("notifier", "clinic_id")]
    assert by_key[sid] == [("attendance", "attendees.0"), ("scheduler", "attendees.0")]
    for service in SERVICES:
        row = await fetch(database_url, schemas[service], "SELECT * FROM patients WHERE patient_id = $1", pid)
        assert (row["clinic_id"], row["revision"]) == ("clinic-b", 1), service
        with pytest.raises(asyncpg.CheckViolationError, match="tenant_mismatch"):  # the migrations' backstop
            await fetch(database_url, schemas[service], "UPDATE patients SET clinic_id = 'clinic-a' "
                        "WHERE patient_id = $1 RETURNING 1", pid)
    notifier = await fetch(database_url, schemas["notifier"],
                           "SELECT p.phone, t.clinic_id, t.members::text AS members FROM patients p "
                           "JOIN care_teams t ON t.care_team_id = p.care_team_id WHERE p.patient_id = $1", pid)
    assert (notifier["phone"], notifier["clinic_id"]) == (b_phone, "clinic-b")
    assert a_phone not in notifier["members"]
    plan = await fetch(database_url, schemas["scheduler"],
                       "SELECT count(*) AS n FROM reminders WHERE patient_id = $1 AND $2 = ANY(session_ids)", pid, sid)
    assert plan["n"] == 0


async def _session_known(database_url: str, schema: str, sid: str) -> None:
    async def known() -> bool:
        return await fetch(database_url, schema, "SELECT 1 FROM sessions WHERE session_id = $1", sid) is not None
    await eventually(known, timeout=30)
