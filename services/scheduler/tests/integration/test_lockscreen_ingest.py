"""Clinic text with a clinical word is refused at the HTTP and FHIR door: 422 naming the field, never the text."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from iop_devkit.scheduler import session
from iop_devkit.testing.kafka import unique
from iop_scheduler.bootstrap import Service
from iop_scheduler.entrypoints.http import create_app

pytestmark = pytest.mark.integration
A = {"Authorization": "Bearer tok-a"}
FHIR = Path(__file__).parent.parent / "fixtures" / "fhir" / "appointment-example.json"
ADVERSARIAL = ["Addiction Psychiatry Suite", "Centro de ADICCIÓN 2", "Salud-Mental Norte", "Counseling Room 4",
               "Detox wing", "IOP room"]


@pytest.fixture
async def client(make_service: Any) -> AsyncIterator[httpx.AsyncClient]:
    service: Service = await make_service(kafka=False)
    transport = httpx.ASGITransport(app=create_app(service))
    async with httpx.AsyncClient(transport=transport, base_url="http://scheduler") as c:
        yield c


def _session_body(label: str) -> dict[str, Any]:
    body = session(unique("s"), datetime.now(UTC) + timedelta(days=3), ["p1"]).data.model_dump(mode="json")
    return {**body, "location": {"public_label": label}}


def _appointment(display: str) -> dict[str, Any]:
    appt = json.loads(FHIR.read_text())
    start = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    for p in appt["participant"]:
        if p.get("actor", {}).get("reference", "").startswith("Location/"):
            p["actor"]["display"] = display
    return {**appt, "id": unique("fhir"), "start": start.isoformat(), "end": (start + timedelta(hours=3)).isoformat()}


@pytest.mark.parametrize("label", ADVERSARIAL)
async def test_a_session_place_with_a_clinical_word_gets_422_naming_the_field(
        client: httpx.AsyncClient, label: str) -> None:
    r = await client.post("/v1/sessions", headers=A, json=_session_body(label))
    assert r.status_code == 422, r.text
    assert [e["loc"] for e in r.json()["detail"]] == [["body", "location", "public_label"]]
    assert "clinical word" in r.text
    for word in label.split():
        assert word.lower() not in r.text.lower() or word.lower() in ("room", "de", "2", "4"), word


async def test_a_neutral_place_is_accepted(client: httpx.AsyncClient) -> None:
    r = await client.post("/v1/sessions", headers=A, json=_session_body("Building C, Suite 210"))
    assert r.status_code == 202, r.text


async def test_a_fhir_location_display_with_a_clinical_word_gets_422_naming_the_field(
        client: httpx.AsyncClient) -> None:
    r = await client.post("/fhir/r4/Appointment", headers=A, json=_appointment("Addiction Psychiatry Suite"))
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"] == ["body", "participant", "actor", "display"]
    assert "addiction" not in r.text.lower() and "psychiatry" not in r.text.lower()
    ok = await client.post("/fhir/r4/Appointment", headers=A, json=_appointment("Suite 200"))
    assert ok.status_code == 202, ok.text
