"""HTTP ingest and FHIR over the real outbox, relay, Kafka and the scheduler's own consumer."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from iop_devkit.scheduler import patient, session
from iop_devkit.testing.kafka import TopicTail, eventually, unique
from iop_scheduler.bootstrap import Service
from iop_scheduler.entrypoints.http import create_app
from iop_shared.contracts.inbound import AttendanceRecorded, SessionCancelled, SessionUpserted
from iop_shared.contracts.outbound import ReminderDue
from iop_shared.contracts.topics import ATTENDANCE, REMINDERS, SESSIONS

EXAMPLES = Path(__file__).parent.parent / "fixtures" / "fhir"
A = {"Authorization": "Bearer tok-a"}
B = {"Authorization": "Bearer tok-b"}


def example(name: str, **changes: Any) -> dict[str, Any]:
    return {**json.loads((EXAMPLES / f"{name}.json").read_text()), **changes}


@pytest.fixture
async def client(make_service: Any) -> Any:
    service: Service = await make_service(first_offsets="4s,2s")
    transport = httpx.ASGITransport(app=create_app(service))
    async with httpx.AsyncClient(transport=transport, base_url="http://scheduler") as c:
        c.service = service  # type: ignore[attr-defined]
        yield c


async def session_known(service: Service, sid: str) -> bool:
    async with service.store.transaction() as repo:
        return await repo.session_clinic(sid) is not None


@pytest.mark.integration
async def test_json_ingest_publishes_the_same_events_and_reminders_follow(client: Any, kafka_bootstrap: str) -> None:
    pid, sid = unique("p"), unique("s")
    start = datetime.now(UTC) + timedelta(seconds=8)
    async with TopicTail(kafka_bootstrap, REMINDERS.name) as tail:
        r1 = await client.post("/v1/patients", headers=A, json=patient(pid).data.model_dump(mode="json"))
        r2 = await client.post("/v1/sessions", headers=A, json=session(sid, start, [pid]).data.model_dump(mode="json"))
        assert (r1.status_code, r2.status_code) == (202, 202), (r1.text, r2.text)
        got = await tail.wait_for(lambda e: isinstance(e.data, ReminderDue) and e.data.patient_id == pid, 2, 20)
    assert {e.data.session_ids[0] for e in got} == {sid}  # type: ignore[attr-defined]
    plan = await client.get(f"/v1/patients/{pid}/reminders", headers=A)
    assert [row["status"] for row in plan.json()] == ["dispatched", "dispatched"]


@pytest.mark.integration
async def test_auth_and_validation(client: Any) -> None:
    body = session(unique("s"), datetime.now(UTC) + timedelta(days=3), ["p1"]).data.model_dump(mode="json")
    assert (await client.post("/v1/sessions", json=body)).status_code == 401
    assert (await client.post("/v1/sessions", json=body, headers={"Authorization": "Bearer nope"})).status_code == 401
    assert (await client.post("/v1/sessions", json=body, headers=B)).status_code == 403
    bad = await client.post("/v1/sessions", json={**body, "starts_at": "tomorrow"}, headers=A)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "starts_at"
    no_end = await client.post("/fhir/r4/Appointment", json=example("appointment-example-request", status="booked"),
                               headers=A)
    assert no_end.status_code == 422 and no_end.json()["detail"][0]["loc"] == ["body", "start"]
    assert (await client.post("/v1/sessions/unknown/cancel", json={"revision": 2}, headers=A)).status_code == 404
    assert (await client.get("/openapi.json")).json()["paths"]["/fhir/r4/Appointment"]
    assert (await client.get("/healthz")).status_code == 200
    ready = await client.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {
        "ready": True, "checks": {"database": True, "kafka": True, "publishing": True}}
    assert "scheduler_dispatch_lag_seconds" in (await client.get("/metrics")).text


@pytest.mark.integration
async def test_fhir_hl7_examples_map_to_session_and_attendance_events(client: Any, kafka_bootstrap: str) -> None:
    sid = unique("fhir")
    start = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    booked = example("appointment-example", id=sid, start=start.isoformat(),
                     end=(start + timedelta(hours=3)).isoformat(), meta={"versionId": "1"})
    async with TopicTail(kafka_bootstrap, SESSIONS.name, ATTENDANCE.name) as tail:
        for body in (example("appointment-example"), example("appointment-example2doctors"),
                     example("appointment-example-request"), booked):
            assert (await client.post("/fhir/r4/Appointment", json=body, headers=A)).status_code == 202
        await eventually(lambda: session_known(client.service, sid), timeout=15)
        forbidden = await client.post("/fhir/r4/Appointment", headers=B,
                                      json={**booked, "status": "cancelled", "meta": {"versionId": "2"}})
        assert forbidden.status_code == 403
        for status, version in (("cancelled", "2"), ("arrived", "3"), ("noshow", "4")):
            response = await client.post("/fhir/r4/Appointment", headers=A,
                                         json={**booked, "status": status, "meta": {"versionId": version}})
            assert response.status_code == 202
        events = await tail.wait_for(lambda e: True, count=6, timeout=15)
    upserts = [e.data for e in events if isinstance(e.data, SessionUpserted)]
    assert sorted((u.session_id, u.attendees, u.clinic_id) for u in upserts) == sorted([
        ("example", ["example"], "clinic-a"), ("2docs", ["example"], "clinic-a"), (sid, ["example"], "clinic-a")])
    assert [(e.data.session_id, e.data.revision) for e in events if isinstance(e.data, SessionCancelled)] == [(sid, 2)]
    assert [(e.data.patient_id, e.data.status) for e in events if isinstance(e.data, AttendanceRecorded)] == [
        ("example", "present"), ("example", "absent")]
