"""A record dated in the future (past a small clock skew) would override later truth: refused over HTTP and Kafka."""

from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest

from iop_attendance.bootstrap import Service
from iop_devkit.attendance import attendance_recorded, envelope, patient_upserted, session_upserted
from iop_devkit.testing.kafka import TopicTail, eventually, publish, unique
from iop_shared.contracts.inbound import AttendanceStatus
from iop_shared.contracts.outbound import DeadLetter
from iop_shared.contracts.topics import DEADLETTER

from ..conftest import CLINIC_1

pytestmark = pytest.mark.integration


async def _session(kafka: str, db: asyncpg.Connection, patient: str) -> str:
    session = unique("s")
    await publish(kafka, envelope(patient_upserted(patient)),
                  envelope(session_upserted(session, [patient], datetime.now(UTC) + timedelta(hours=1))))

    async def known() -> bool:
        return bool(await db.fetchval("SELECT true FROM visits WHERE session_id = $1", session))
    await eventually(known)
    return session


async def test_http_refuses_a_future_recorded_at_naming_the_field(client: httpx.AsyncClient, kafka_bootstrap: str,
                                                                   db: asyncpg.Connection) -> None:
    patient = unique("p")
    session = await _session(kafka_bootstrap, db, patient)
    future = (datetime.now(UTC) + timedelta(minutes=10)).isoformat()
    one = {"session_id": session, "patient_id": patient, "status": "present", "source": "kiosk",
           "recorded_at": future}
    resp = await client.post("/v1/attendance", json=one, headers=CLINIC_1)
    assert resp.status_code == 422 and resp.json()["detail"][0]["loc"] == ["body", "recorded_at"]
    assert future not in resp.text
    ok = {**one, "recorded_at": (datetime.now(UTC) + timedelta(minutes=2)).isoformat()}  # within the skew
    batch = await client.post("/v1/attendance/batch", json={"records": [ok, one]}, headers=CLINIC_1)
    assert batch.status_code == 422 and batch.json()["detail"][0]["loc"] == ["body", "records", 1, "recorded_at"]
    assert (await client.post("/v1/attendance", json=ok, headers=CLINIC_1)).status_code == 202


async def test_kafka_dead_letters_a_future_record_and_applies_its_neighbours(
        service: Service, kafka_bootstrap: str, db: asyncpg.Connection) -> None:
    patient = unique("p")
    session = await _session(kafka_bootstrap, db, patient)
    now = datetime.now(UTC)
    future = envelope(attendance_recorded(session, patient, AttendanceStatus.absent, now + timedelta(days=2)))
    present = envelope(attendance_recorded(session, patient, AttendanceStatus.present, now))
    async with TopicTail(kafka_bootstrap, DEADLETTER.name) as tail:
        await publish(kafka_bootstrap, present, future)
        [letter] = await tail.wait_for(lambda e: isinstance(e.data, DeadLetter) and e.data.key == patient,
                                       timeout=30)
    assert isinstance(letter.data, DeadLetter)
    assert letter.data.error.startswith("recorded_at:")
    assert await db.fetchval("SELECT status FROM visits WHERE session_id = $1 AND patient_id = $2",
                             session, patient) == "present"
