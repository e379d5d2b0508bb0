"""Attacks from a second clinic, over HTTP and Kafka: each is refused and nothing changes owner."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from iop_devkit.scheduler import cancel, patient, session
from iop_devkit.testing.kafka import TopicTail, eventually, publish, unique
from iop_scheduler.bootstrap import Service
from iop_scheduler.entrypoints.http import create_app
from iop_shared.contracts import Contract, Envelope, clinic_source
from iop_shared.contracts.inbound import SessionUpserted
from iop_shared.contracts.outbound import DeadLetter
from iop_shared.contracts.topics import DEADLETTER

pytestmark = pytest.mark.integration
A = {"Authorization": "Bearer tok-a"}
B = {"Authorization": "Bearer tok-b"}
INT64_MAX = 2**63 - 1


@pytest.fixture
async def client(make_service: Any) -> Any:
    service: Service = await make_service(first_offsets="72h,24h")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(service)),
                                 base_url="http://scheduler") as c:
        c.service = service  # type: ignore[attr-defined]
        yield c


async def owner(service: Service, pid: str) -> str | None:
    async with service.store.transaction() as repo:
        return (await repo.patient_known(pid))[1]


async def pending(service: Service, pid: str) -> list[dict[str, Any]]:
    async with service.store.transaction() as repo:
        return [r for r in await repo.reminders_of(pid) if r["status"] == "pending"]


async def b_patient(client: Any) -> str:
    """A patient of clinic B, applied."""
    pid = unique("pb")
    r = await client.post("/v1/patients", headers=B, json=patient(pid, clinic="clinic-b").data.model_dump(mode="json"))
    assert r.status_code == 202, r.text
    await eventually(lambda: _is(owner(client.service, pid), "clinic-b"))
    return pid


async def _is(value: Any, expected: str) -> bool:
    return bool(await value == expected)


def letters_for(tail: TopicTail, key: str) -> list[DeadLetter]:
    return [e.data for e in tail.events() if isinstance(e.data, DeadLetter) and e.data.key == key]


def sent_as(env: Envelope[Contract], source: str) -> Envelope[Contract]:
    return replace(env, source=source)


async def test_http_takeover_is_refused_naming_clinic_id(client: Any) -> None:
    pid = await b_patient(client)
    body = patient(pid, clinic="clinic-a", revision=INT64_MAX).data.model_dump(mode="json")
    taken = await client.post("/v1/patients", headers=A, json={**body, "phone": "+15555550999"})
    assert taken.status_code == 403
    assert taken.json()["detail"][0]["loc"] == ["body", "clinic_id"]
    assert "+15555550999" not in taken.text
    assert await owner(client.service, pid) == "clinic-b"
    assert (await client.get(f"/v1/patients/{pid}/reminders", headers=A)).status_code == 403  # A reads nothing
    assert (await client.get(f"/v1/patients/{pid}/reminders", headers=B)).status_code == 200
    # B's token cannot write a patient for A either
    assert (await client.post("/v1/patients", headers=B, json=body)).status_code == 403


async def test_kafka_takeover_and_forged_sources_are_dead_lettered(client: Any, kafka_bootstrap: str) -> None:
    pid = await b_patient(client)
    takeover = patient(pid, clinic="clinic-a", revision=INT64_MAX)  # published by A as A: the owner is B
    claims_b = sent_as(patient(pid, clinic="clinic-b", revision=5), "/clinics/clinic-a/ehr")  # A says it is B
    no_clinic = sent_as(patient(pid, clinic="clinic-b", revision=6), "clinic-b/ehr")  # the old, clinic-less form
    async with TopicTail(kafka_bootstrap, DEADLETTER.name) as tail:
        await publish(kafka_bootstrap, takeover, claims_b, no_clinic)
        await tail.wait_for(lambda e: isinstance(e.data, DeadLetter) and e.data.key == pid, count=3, timeout=30)
        letters = letters_for(tail, pid)
    assert [lt.error.split(":")[0] for lt in letters] == ["tenant_mismatch"] * 3
    assert [lt.error.split(": ")[1] for lt in letters] == ["clinic_id", "clinic_id", "ce_source"]
    assert await owner(client.service, pid) == "clinic-b"


async def test_roster_injection_is_refused_over_http_fhir_and_kafka(client: Any, kafka_bootstrap: str) -> None:
    pid = await b_patient(client)
    start = datetime.now(UTC) + timedelta(days=3)
    sid = unique("sa")
    body = session(sid, start, ["p-new", pid]).data.model_dump(mode="json")
    refused = await client.post("/v1/sessions", headers=A, json=body)
    assert refused.status_code == 403 and refused.json()["detail"][0]["loc"] == ["body", "attendees", "1"]
    appt = {"resourceType": "Appointment", "id": unique("appt"), "status": "booked", "meta": {"versionId": "1"},
            "start": start.isoformat(), "end": (start + timedelta(hours=3)).isoformat(),
            "participant": [{"actor": {"reference": "Location/room", "display": "Room 2"}},
                            {"actor": {"reference": f"Patient/{pid}"}, "status": "accepted"}]}
    fhir = await client.post("/fhir/r4/Appointment", headers=A, json=appt)
    assert fhir.status_code == 403
    assert fhir.json()["detail"][0]["loc"] == ["body", "participant", "1", "actor", "reference"]
    arrived = await client.post("/fhir/r4/Appointment", headers=A, json={**appt, "status": "arrived"})
    assert arrived.status_code == 403
    async with TopicTail(kafka_bootstrap, DEADLETTER.name) as tail:
        await publish(kafka_bootstrap, session(sid, start, [pid]))
        await tail.wait_for(lambda e: isinstance(e.data, DeadLetter) and e.data.key == sid, timeout=30)
        [letter] = letters_for(tail, sid)
    assert letter.error.startswith("tenant_mismatch: attendees.0")
    assert await pending(client.service, pid) == []


async def test_a_waitlist_listing_another_clinics_patient_is_refused_over_http_and_kafka(
        client: Any, kafka_bootstrap: str) -> None:
    pid, sid = await b_patient(client), unique("sa")
    body = {**session(sid, datetime.now(UTC) + timedelta(days=3), ["p-new"]).data.model_dump(mode="json"),
            "capacity": 2, "waitlist": ["p-other", pid]}
    refused = await client.post("/v1/sessions", headers=A, json=body)
    assert refused.status_code == 403 and refused.json()["detail"][0]["loc"] == ["body", "waitlist", "1"]
    assert pid not in refused.text
    async with TopicTail(kafka_bootstrap, DEADLETTER.name) as tail:
        await publish(kafka_bootstrap, Envelope(data=SessionUpserted.model_validate(body),
                                                source=clinic_source("clinic-a", "test")))
        await tail.wait_for(lambda e: isinstance(e.data, DeadLetter) and e.data.key == sid, timeout=30)
        [letter] = letters_for(tail, sid)
    assert letter.error.startswith("tenant_mismatch: waitlist.1")


async def test_session_of_another_clinic_cannot_be_moved_or_cancelled(client: Any, kafka_bootstrap: str) -> None:
    pid = unique("pa")
    sid = unique("sa")
    start = datetime.now(UTC) + timedelta(days=4)
    await publish(kafka_bootstrap, patient(pid), session(sid, start, [pid]))
    await eventually(lambda: _has_pending(client.service, pid), timeout=20)
    b_move = session(sid, start + timedelta(days=1), [pid], revision=2, clinic="clinic-b")
    assert (await client.post("/v1/sessions", headers=B, json=b_move.data.model_dump(mode="json"))).status_code == 403
    assert (await client.post(f"/v1/sessions/{sid}/cancel", headers=B, json={"revision": 3})).status_code == 403
    async with TopicTail(kafka_bootstrap, DEADLETTER.name) as tail:
        await publish(kafka_bootstrap, b_move, cancel(sid, 3, clinic="clinic-b"))
        await tail.wait_for(lambda e: isinstance(e.data, DeadLetter) and e.data.key == sid, 2, 30)
        letters = letters_for(tail, sid)
    assert {lt.error.split(": ")[0] for lt in letters} == {"tenant_mismatch"}
    async with client.service.store.transaction() as repo:
        view, _ = await repo.session_for_update(sid)
    assert (view.clinic_id, view.starts_at, view.cancelled) == ("clinic-a", start, False)


async def _has_pending(service: Service, pid: str) -> bool:
    return bool(await pending(service, pid))


async def test_unknown_attendee_who_turns_out_to_be_another_clinics_gets_nothing(client: Any,
                                                                                kafka_bootstrap: str) -> None:
    pid, sid = unique("px"), unique("sa")
    start = datetime.now(UTC) + timedelta(days=4)
    await publish(kafka_bootstrap, session(sid, start, [pid]))  # not known yet: allowed
    await eventually(lambda: _has_pending(client.service, pid), timeout=20)
    await publish(kafka_bootstrap, patient(pid, clinic="clinic-b"))
    await eventually(lambda: _is(owner(client.service, pid), "clinic-b"), timeout=20)
    assert [r for r in await pending(client.service, pid) if sid in r["session_ids"]] == []


async def test_revisions_and_attendee_lists_are_bounded(client: Any) -> None:
    body = patient(unique("pa")).data.model_dump(mode="json")
    for revision in (INT64_MAX + 1, -1):
        bad = await client.post("/v1/patients", headers=A, json={**body, "revision": revision})
        assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "revision"
    ok = await client.post("/v1/patients", headers=A, json={**body, "revision": INT64_MAX})
    assert ok.status_code == 202
    crowd = session(unique("sa"), datetime.now(UTC) + timedelta(days=3), []).data.model_dump(mode="json")
    many = await client.post("/v1/sessions", headers=A, json={**crowd, "attendees": [f"p{i}" for i in range(501)]})
    assert many.status_code == 422 and many.json()["detail"][0]["loc"][-1] == "attendees"
    cancel_body = await client.post("/v1/sessions/x/cancel", headers=A, json={"revision": INT64_MAX + 1})
    assert cancel_body.status_code == 422 and cancel_body.json()["detail"][0]["loc"][-1] == "revision"
    appt = {"resourceType": "Appointment", "id": "a1", "status": "booked", "meta": {"versionId": "²"},
            "start": "2026-12-01T18:00:00Z", "end": "2026-12-01T21:00:00Z",
            "participant": [{"actor": {"reference": "Patient/p1"}, "status": "accepted"}]}
    superscript = await client.post("/fhir/r4/Appointment", headers=A, json=appt)  # "²" passes str.isdigit()
    assert superscript.status_code == 422 and superscript.json()["detail"][0]["loc"] == ["body", "meta", "versionId"]
    huge = {**appt, "meta": {"versionId": str(INT64_MAX + 1)}}
    too_big = await client.post("/fhir/r4/Appointment", headers=A, json=huge)
    assert too_big.status_code == 422 and too_big.json()["detail"][0]["loc"] == ["body", "meta", "versionId"]
