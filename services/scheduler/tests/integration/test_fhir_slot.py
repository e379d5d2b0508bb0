"""FHIR R4 Slot over HTTP: validated by fhir.resources, mapped to iop.slot.upserted.v1, applied by the consumer;
a bad Slot gets 422 naming the field (never its value), another clinic's slot id 403."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from iop_devkit.testing.kafka import TopicTail, eventually, unique
from iop_scheduler.bootstrap import Service
from iop_scheduler.entrypoints.http import create_app
from iop_shared.contracts.topics import SLOTS

pytestmark = pytest.mark.integration
A = {"Authorization": "Bearer tok-a"}
B = {"Authorization": "Bearer tok-b"}


def fhir_slot(slot_id: str, **changes: Any) -> dict[str, Any]:
    body = {"resourceType": "Slot", "id": slot_id, "meta": {"versionId": "3"},
            "schedule": {"reference": "Schedule/prog-1"}, "status": "free",
            "appointmentType": {"coding": [{"code": "family"}]},
            "extension": [{"url": "https://iop.example/fhir/slot-capacity", "valueInteger": 4}],
            "start": "2026-12-03T18:00:00-05:00", "end": "2026-12-03T19:00:00-05:00"}
    return {**body, **changes}


@pytest.fixture
async def client(make_service: Any) -> Any:
    service: Service = await make_service()
    transport = httpx.ASGITransport(app=create_app(service))
    async with httpx.AsyncClient(transport=transport, base_url="http://scheduler") as c:
        c.service = service  # type: ignore[attr-defined]
        yield c


async def test_a_fhir_slot_becomes_an_open_slot_and_bad_ones_are_refused_by_field(client: Any,
                                                                                   kafka_bootstrap: str) -> None:
    sid = unique("slot")
    async with TopicTail(kafka_bootstrap, SLOTS.name) as tail:
        answer = await client.post("/fhir/r4/Slot", json=fhir_slot(sid), headers=A)
        assert answer.status_code == 202, answer.text
        [event] = await tail.wait_for(lambda e: e.type == "iop.slot.upserted.v1")
    assert (event.data.program_id, event.data.kind, event.data.capacity, event.data.revision) == \
        ("prog-1", "family", 4, 3)
    service: Service = client.service

    async def applied() -> bool:
        async with service.store.transaction() as repo:
            return await repo.conn.fetchval("SELECT capacity FROM slots WHERE slot_id = $1", sid) == 4
    await eventually(applied, timeout=20)

    for body, field in ((fhir_slot(sid, status="maybe-later"), "status"),
                        (fhir_slot(sid, schedule={"reference": "Practitioner/secret-name"}), "schedule"),
                        (fhir_slot(sid, appointmentType={"coding": [{"code": "rehab-intake"}]}), "appointmentType"),
                        (fhir_slot(sid, meta={"versionId": "v-two"}), "meta")):
        answer = await client.post("/fhir/r4/Slot", json=body, headers=A)
        assert answer.status_code == 422 and field in answer.text, answer.text
        assert not any(v in answer.text for v in ("secret-name", "rehab-intake", "maybe-later"))
    taken = await client.post("/fhir/r4/Slot", json=fhir_slot(sid, meta={"versionId": "9"}), headers=B)
    assert taken.status_code == 403 and "slot_id" in taken.text
    assert (await client.post("/fhir/r4/Slot", json=fhir_slot(sid), headers={})).status_code == 401
