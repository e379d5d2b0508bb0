"""The dashboard as a deployment runs it, attacked from outside: no sign-in, another clinic, forged posts.

An accepted action, carrying the signed-in user to Kafka, is the browser test's (with the attendance service).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from iop_devkit.dashboard import flagged, free_port, patient, session, sign_in, wait_ready
from iop_devkit.testing.kafka import TopicTail, eventually, publish
from iop_shared.contracts.outbound import RiskAcknowledged
from iop_shared.contracts.topics import RISK

Spawn = Callable[[str, dict[str, str]], subprocess.Popen[bytes]]
USERS = {"nurse-a": {"password": "pw-nurse-a-1", "clinics": ["clinic-a"], "name": "Nurse A"},
         "nurse-b": {"password": "pw-nurse-b-1", "clinics": ["clinic-b"], "name": "Nurse B"}}


async def _start(spawn: Spawn, kafka: str, database_url: str, schema: str, group: str) -> str:
    port = free_port()
    proc = spawn("iop_dashboard", {
        "KAFKA_BOOTSTRAP_SERVERS": kafka, "DATABASE_URL": database_url, "IOP_ENVIRONMENT": "development",
        "LOG_LEVEL": "WARNING", "DASHBOARD_HTTP_PORT": str(port), "DASHBOARD_DB_SCHEMA": schema,
        "DASHBOARD_GROUP_ID": group, "DASHBOARD_ATTENDANCE_URL": f"http://127.0.0.1:{free_port()}",
        "DASHBOARD_ATTENDANCE_TOKEN": "e2e-attendance-token", "DASHBOARD_NOTIFIER_TOKEN": "e2e-notifier-token",
        "DASHBOARD_SESSION_SECRET": "e2e-session-secret-0123456789", "DASHBOARD_DEV_USERS": json.dumps(USERS)})
    url = f"http://127.0.0.1:{port}"
    await wait_ready(url, proc)
    return url


def _flag_ids(overview: dict[str, Any]) -> set[str]:
    return {f["flag_id"] for f in overview["flags"]}


@pytest.mark.e2e
async def test_the_dashboard_refuses_strangers_other_clinics_and_forged_posts(
        spawn: Spawn, kafka_bootstrap: str, database_url: str, pg_schema: str, group_id: str, topics: str) -> None:
    url = await _start(spawn, kafka_bootstrap, database_url, pg_schema, group_id)
    now = datetime.now(UTC)
    flag_a, flag_b = flagged("p-atk-a", now), flagged("p-atk-b", now)
    await publish(kafka_bootstrap, patient("p-atk-a", "clinic-a", name="Alma"),
                  patient("p-atk-b", "clinic-b", name="Bruno"))
    await publish(kafka_bootstrap, session(now - timedelta(hours=1), ["p-atk-a"], clinic_id="clinic-a"),
                  session(now - timedelta(hours=1), ["p-atk-b"], clinic_id="clinic-b"), flag_a, flag_b)
    a_id, b_id = flag_a.data.flag_id, flag_b.data.flag_id

    async with httpx.AsyncClient(base_url=url, timeout=10) as stranger:
        assert (await stranger.get("/api/overview")).status_code == 401
        assert (await stranger.get("/events")).status_code == 401
        page = await stranger.get("/")
        assert page.status_code == 303 and page.headers["location"] == "/login"
        assert (await stranger.post(f"/api/flags/{a_id}/acknowledge", json={})).status_code == 401
        unsigned = "iop_dashboard_session=eyJ1c2VyIjoibnVyc2UtYSJ9"  # {"user":"nurse-a"}, not signed
        forged = await stranger.get("/api/overview", headers={"Cookie": unsigned})
        assert forged.status_code == 401

    async with httpx.AsyncClient(base_url=url, timeout=10) as nurse_a, \
            httpx.AsyncClient(base_url=url, timeout=10) as nurse_b:
        csrf_a = await sign_in(nurse_a, "nurse-a", "pw-nurse-a-1")
        await sign_in(nurse_b, "nurse-b", "pw-nurse-b-1")

        async def both_see_their_own() -> bool:
            seen_a = (await nurse_a.get("/api/overview")).json()
            seen_b = (await nurse_b.get("/api/overview")).json()
            return a_id in _flag_ids(seen_a) and b_id in _flag_ids(seen_b)

        await eventually(both_see_their_own, timeout=45)
        overview_a = (await nurse_a.get("/api/overview")).json()
        assert b_id not in _flag_ids(overview_a) and "Bruno" not in json.dumps(overview_a)
        assert "Bruno" not in (await nurse_a.get("/")).text

        async with TopicTail(kafka_bootstrap, RISK.name) as tail:
            headers = {"x-csrf-token": csrf_a, "Content-Type": "application/json"}
            # Another clinic's flag: refused, whatever the path says.
            other = await nurse_a.post(f"/api/flags/{b_id}/acknowledge", json={}, headers=headers)
            assert other.status_code in (403, 404)
            # Forged posts: no CSRF token, a foreign or `null` Origin, a cross-site fetch, a `by` of the caller's.
            assert (await nurse_a.post(f"/api/flags/{a_id}/acknowledge", json={})).status_code == 403
            for origin in ("https://evil.example", "null"):
                refused = await nurse_a.post(f"/api/flags/{a_id}/acknowledge", json={},
                                             headers={**headers, "Origin": origin})
                assert refused.status_code == 403
            cross = await nurse_a.post(f"/api/flags/{a_id}/acknowledge", json={},
                                       headers={**headers, "Sec-Fetch-Site": "cross-site"})
            assert cross.status_code == 403
            impersonating = await nurse_a.post(f"/api/flags/{a_id}/acknowledge", json={"by": "dr-someone-else"},
                                               headers=headers)
            assert impersonating.status_code == 422 and "dr-someone-else" not in impersonating.text

            # Nothing refused reached the bus (the browser test shows an accepted action carries the signed-in user).
            await asyncio.sleep(3)
            await tail.wait_for(lambda e: True, count=0, timeout=1)
            assert not tail.events(lambda e: isinstance(e.data, RiskAcknowledged))
