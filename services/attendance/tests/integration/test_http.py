"""The HTTP API over the real service: attendance ingest, flags, dashboard reads, auth and 422s."""

from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest

from iop_devkit.attendance import checkin_received, envelope, patient_upserted, session_upserted
from iop_devkit.testing.kafka import TopicTail, eventually, publish, unique
from iop_shared.contracts.outbound import CheckinIntent, RiskAcknowledged, RiskFlagged, RiskResolved
from iop_shared.contracts.topics import RISK

from ..conftest import CLINIC_1, CLINIC_2

pytestmark = pytest.mark.integration


async def _known(db: asyncpg.Connection, sql: str, *args: object) -> None:
    async def check() -> bool:
        return bool(await db.fetchval(sql, *args))
    await eventually(check)


async def test_record_attendance_one_and_batch(client: httpx.AsyncClient, kafka_bootstrap: str,
                                               db: asyncpg.Connection) -> None:
    a, b, session = unique("p"), unique("p"), unique("s")
    starts = datetime.now(UTC) + timedelta(hours=1)
    await publish(kafka_bootstrap, envelope(patient_upserted(a)),
                  envelope(session_upserted(session, [a, b], starts, program_id="prog-http")))
    await _known(db, "SELECT true FROM sessions WHERE session_id = $1", session)
    await _known(db, "SELECT true FROM patients WHERE patient_id = $1", a)
    one = {"session_id": session, "patient_id": a, "status": "present", "source": "kiosk"}
    assert (await client.post("/v1/attendance", json=one)).status_code == 401
    resp = await client.post("/v1/attendance", json=one, headers=CLINIC_1)
    assert resp.status_code == 202 and len(resp.json()["event_ids"]) == 1
    batch = {"records": [{**one, "patient_id": b, "status": "late", "source": "telehealth"}]}
    assert (await client.post("/v1/attendance/batch", json=batch, headers=CLINIC_1)).status_code == 202
    await _known(db, "SELECT count(*) = 2 FROM visits WHERE session_id = $1 AND status IN ('present', 'late')",
                 session)
    # Another clinic's token cannot record at this clinic's session.
    other = await client.post("/v1/attendance", json=one, headers=CLINIC_2)
    assert other.status_code == 422 and other.json()["detail"][0]["loc"][-1] == "session_id"

    timeline = (await client.get(f"/v1/patients/{a}/timeline", headers=CLINIC_1,
                                 params={"to": (starts + timedelta(days=1)).isoformat()})).json()
    assert timeline["rates"]["attended"] == 1 and timeline["visits"][0]["outcome"] == "attended"
    assert timeline["minimum_weekly_hours"] == 9
    summary = (await client.get("/v1/programs/prog-http/summary", headers=CLINIC_1,
                                params={"to": (starts + timedelta(days=1)).isoformat()})).json()
    assert summary["overall"]["attendance_rate"] == 1.0 and summary["by_kind"]["group"]["attended"] >= 2


async def test_bad_input_gets_422_naming_the_field(client: httpx.AsyncClient) -> None:
    bad = {"session_id": "s-1", "patient_id": "p-1", "status": "maybe", "source": "kiosk"}
    resp = await client.post("/v1/attendance", json=bad, headers=CLINIC_1)
    assert resp.status_code == 422 and resp.json()["detail"][0]["loc"] == ["body", "status"]
    unknown = await client.post("/v1/attendance", json={**bad, "status": "present"}, headers=CLINIC_1)
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"][-1] == "session_id"
    empty = await client.post("/v1/attendance/batch", json={"records": []}, headers=CLINIC_1)
    assert empty.status_code == 422 and empty.json()["detail"][0]["loc"] == ["body", "records"]


async def test_flags_list_acknowledge_resolve(client: httpx.AsyncClient, kafka_bootstrap: str,
                                              db: asyncpg.Connection) -> None:
    patient, team = unique("p"), unique("team")
    await publish(kafka_bootstrap, envelope(patient_upserted(patient, care_team_id=team)))
    await _known(db, "SELECT true FROM patients WHERE patient_id = $1", patient)
    async with TopicTail(kafka_bootstrap, RISK.name) as tail:
        await publish(kafka_bootstrap, envelope(checkin_received(patient, CheckinIntent.crisis, datetime.now(UTC))))
        [flagged] = await tail.wait_for(lambda e: isinstance(e.data, RiskFlagged) and e.data.patient_id == patient)
        flag_id = flagged.data.flag_id  # type: ignore[attr-defined]
        listed = (await client.get("/v1/flags", params={"care_team_id": team, "severity": "critical"},
                                   headers=CLINIC_1)).json()
        assert [f["flag_id"] for f in listed["items"]] == [flag_id]
        assert (await client.get("/v1/flags", params={"care_team_id": team}, headers=CLINIC_2)).json()["items"] == []
        assert (await client.post(f"/v1/flags/{flag_id}/acknowledge", json={"by": "m-1"},
                                  headers=CLINIC_2)).status_code == 404
        ack = await client.post(f"/v1/flags/{flag_id}/acknowledge", json={"by": "m-1", "note": "called"},
                                headers=CLINIC_1)
        assert ack.status_code == 200 and ack.json()["status"] == "acknowledged"
        assert (await client.post(f"/v1/flags/{flag_id}/acknowledge", json={"by": "m-1"},
                                  headers=CLINIC_1)).status_code == 409
        res = await client.post(f"/v1/flags/{flag_id}/resolve", json={"by": "m-2", "note": "seen today"},
                                headers=CLINIC_1)
        assert res.status_code == 200 and res.json()["resolved_by"] == "m-2"
        await tail.wait_for(lambda e: isinstance(e.data, RiskAcknowledged) and e.data.flag_id == flag_id)
        [resolved] = await tail.wait_for(lambda e: isinstance(e.data, RiskResolved) and e.data.flag_id == flag_id)
        assert resolved.data.by == "m-2"  # type: ignore[attr-defined]
    assert (await client.get("/v1/flags", params={"care_team_id": team}, headers=CLINIC_1)).json()["items"] == []


async def test_operations_endpoints(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    assert (await client.get("/readyz")).json() == {
        "ready": True, "checks": {"database": True, "kafka": True, "publishing": True}}
    metrics = (await client.get("/metrics")).text
    assert "attendance_events_applied_total" in metrics and "attendance_risk_evaluation_seconds" in metrics
    assert "/v1/flags" in (await client.get("/openapi.json")).json()["paths"]
