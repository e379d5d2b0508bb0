"""Attacks from a second clinic on the attendance service, over HTTP and Kafka: refused, nothing changes owner."""

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest

from iop_attendance.bootstrap import Service
from iop_attendance.handlers import stream
from iop_devkit.attendance import attendance_recorded, envelope, patient_upserted, session_upserted
from iop_devkit.testing.kafka import TopicTail, eventually, publish, unique
from iop_shared.contracts import Contract, Envelope
from iop_shared.contracts.inbound import AttendanceStatus, SessionCancelled
from iop_shared.contracts.outbound import DeadLetter
from iop_shared.contracts.topics import DEADLETTER

from ..conftest import CLINIC_1, CLINIC_2

pytestmark = pytest.mark.integration


async def value(db: asyncpg.Connection, sql: str, *args: object) -> object:
    return await db.fetchval(sql, *args)


async def known(db: asyncpg.Connection, sql: str, *args: object) -> None:
    async def check() -> bool:
        return bool(await db.fetchval(sql, *args))
    await eventually(check)


async def refused(kafka: str, key: str, *events: Envelope[Contract]) -> list[str]:
    """Publish the events (keyed `key`) and return the reasons of their dead letters."""
    async with TopicTail(kafka, DEADLETTER.name) as tail:
        await publish(kafka, *events)
        got = await tail.wait_for(lambda e: isinstance(e.data, DeadLetter) and e.data.key == key,
                                  count=len(events), timeout=30)
    return [e.data.error for e in got if isinstance(e.data, DeadLetter)]


async def test_patient_takeover_and_forged_source_are_dead_lettered(service: Service, kafka_bootstrap: str,
                                                                     db: asyncpg.Connection) -> None:
    pid = unique("p2")
    await publish(kafka_bootstrap, envelope(patient_upserted(pid, clinic_id="clinic-2")))
    await known(db, "SELECT true FROM patients WHERE patient_id = $1", pid)
    takeover = envelope(patient_upserted(pid, clinic_id="clinic-1", revision=2**63 - 1))
    forged = replace(envelope(patient_upserted(pid, clinic_id="clinic-2", revision=3)), source="clinic-2/ehr")
    lying = envelope(patient_upserted(pid, clinic_id="clinic-2", revision=4), clinic_id="clinic-1")
    reasons = await refused(kafka_bootstrap, pid, takeover, forged, lying)
    assert [r.split(": ")[:2] for r in reasons] == [
        ["tenant_mismatch", "clinic_id"], ["tenant_mismatch", "ce_source"], ["tenant_mismatch", "clinic_id"]]
    assert await value(db, "SELECT clinic_id || ':' || revision FROM patients WHERE patient_id = $1", pid) == \
        "clinic-2:1"


async def test_roster_injection_and_foreign_cancellation_are_dead_lettered(
        service: Service, kafka_bootstrap: str, db: asyncpg.Connection) -> None:
    theirs, sid = unique("p2"), unique("s1")
    starts = datetime.now(UTC) + timedelta(hours=2)
    await publish(kafka_bootstrap, envelope(patient_upserted(theirs, clinic_id="clinic-2")))
    await known(db, "SELECT true FROM patients WHERE patient_id = $1", theirs)
    [reason] = await refused(kafka_bootstrap, sid, envelope(session_upserted(sid, ["p-new", theirs], starts)))
    assert reason.startswith("tenant_mismatch: attendees.1")
    assert await value(db, "SELECT count(*) FROM visits WHERE session_id = $1", sid) == 0
    await publish(kafka_bootstrap, envelope(session_upserted(sid, [], starts)))
    await known(db, "SELECT true FROM sessions WHERE session_id = $1", sid)
    cancel = envelope(SessionCancelled(session_id=sid, revision=5), clinic_id="clinic-2")
    move = envelope(session_upserted(sid, [theirs], starts, revision=6, clinic_id="clinic-2"))
    reasons = await refused(kafka_bootstrap, sid, cancel, move)
    assert [r.split(": ")[:2] for r in reasons] == [["tenant_mismatch", "clinic_id"]] * 2
    assert await value(db, "SELECT clinic_id || ':' || cancelled FROM sessions WHERE session_id = $1", sid) == \
        "clinic-1:false"


async def test_attendance_of_another_clinics_patient_is_refused(client: httpx.AsyncClient, kafka_bootstrap: str,
                                                                 db: asyncpg.Connection) -> None:
    theirs, ours, sid = unique("p2"), unique("p1"), unique("s1")
    starts = datetime.now(UTC) + timedelta(hours=2)
    await publish(kafka_bootstrap, envelope(patient_upserted(theirs, clinic_id="clinic-2")),
                  envelope(patient_upserted(ours)), envelope(session_upserted(sid, [ours], starts)))
    await known(db, "SELECT count(*) = 2 FROM patients WHERE patient_id = ANY($1)", [theirs, ours])
    await known(db, "SELECT true FROM sessions WHERE session_id = $1", sid)
    body = {"session_id": sid, "patient_id": theirs, "status": "absent", "source": "kiosk"}
    one = await client.post("/v1/attendance", json=body, headers=CLINIC_1)
    assert one.status_code == 403 and one.json()["detail"][0]["loc"][-1] == "patient_id"
    batch = await client.post("/v1/attendance/batch", headers=CLINIC_1,
                              json={"records": [{**body, "patient_id": ours}, body]})
    assert batch.status_code == 403 and batch.json()["detail"][0]["loc"] == ["body", "records", "1", "patient_id"]
    ok = await client.post("/v1/attendance", json={**body, "patient_id": ours}, headers=CLINIC_1)
    assert ok.status_code == 202
    foreign_patient = envelope(attendance_recorded(sid, theirs, AttendanceStatus.absent, starts))
    foreign_session = envelope(attendance_recorded(sid, theirs, AttendanceStatus.present, starts), "clinic-2")
    reasons = await refused(kafka_bootstrap, theirs, foreign_patient, foreign_session)
    assert [r.split(": ")[:2] for r in reasons] == [["tenant_mismatch", "patient_id"],
                                                    ["tenant_mismatch", "session_id"]]
    assert await value(db, "SELECT count(*) FROM attendance_records WHERE patient_id = $1", theirs) == 0
    await known(db, "SELECT true FROM attendance_records WHERE patient_id = $1", ours)
    sources = await db.fetch("SELECT headers->>'ce_source' AS s FROM outbox WHERE key = convert_to($1, 'UTF8')", ours)
    assert [r["s"] for r in sources] == ["/clinics/clinic-1/attendance"]


async def test_unknown_attendee_who_turns_out_another_clinics_is_never_missed(
        service: Service, kafka_bootstrap: str, db: asyncpg.Connection) -> None:
    pid, sid = unique("px"), unique("s1")
    await publish(kafka_bootstrap, envelope(session_upserted(sid, [pid], datetime.now(UTC) + timedelta(hours=2))))
    await known(db, "SELECT true FROM visits WHERE session_id = $1 AND patient_id = $2", sid, pid)
    await publish(kafka_bootstrap, envelope(patient_upserted(pid, clinic_id="clinic-2")))
    await known(db, "SELECT true FROM patients WHERE patient_id = $1", pid)
    assert await value(db, "SELECT count(*) FROM visits WHERE patient_id = $1", pid) == 0


async def test_after_a_refused_takeover_the_other_clinic_reads_no_timeline_and_no_stream(
        client: httpx.AsyncClient, service: Service, kafka_bootstrap: str, db: asyncpg.Connection) -> None:
    assert service.ctx is not None
    pid, sid = unique("p2"), unique("s2")
    past = datetime.now(UTC) - timedelta(hours=1)
    await publish(kafka_bootstrap, envelope(patient_upserted(pid, clinic_id="clinic-2")),
                  envelope(session_upserted(sid, [pid], past, clinic_id="clinic-2")))
    await known(db, "SELECT true FROM visits WHERE patient_id = $1 AND missed_visit_id IS NOT NULL", pid)
    await refused(kafka_bootstrap, pid, envelope(patient_upserted(pid, clinic_id="clinic-1", revision=2**63 - 1)))
    assert (await client.get(f"/v1/patients/{pid}/timeline", headers=CLINIC_1)).status_code == 404
    assert (await client.get(f"/v1/patients/{pid}/timeline", headers=CLINIC_2)).status_code == 200

    async def replay(clinic: str) -> list[str]:
        """Every event the clinic's stream replays from the very start (Last-Event-ID 0-0) within a second."""
        seen: list[str] = []
        stopped = asyncio.Event()
        asyncio.get_running_loop().call_later(1.0, stopped.set)
        async for item in stream.events(service.ctx, clinic, start=(0, 0), poll_seconds=0.1,  # type: ignore[arg-type]
                                        stopped=stopped.is_set):
            seen.append(item["data"])
        return [d for d in seen if pid in d]
    assert await replay("clinic-1") == []
    assert await replay("clinic-2") != []
