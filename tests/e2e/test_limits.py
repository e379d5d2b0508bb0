"""Limits before work, attacked from outside: the three services as processes, over real HTTP, Kafka and PostgreSQL.

Each service refuses an oversized body (declared or streamed) with 413, a malformed token with 401 and never
500, and answers invalid bodies with a 422 that names the field without repeating what was sent.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import pytest

from iop_devkit.testing.kafka import unique
from iop_devkit.testing.service_processes import TOKEN, run_services

pytestmark = pytest.mark.e2e
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PHONE = "+15550123987"
NAME = "Zebulon Quintavious"
SERVICES = {"scheduler": "/v1/patients", "attendance": "/v1/attendance", "notifier": "/v1/test-messages"}
MALFORMED = ["Bearer", "Bearer\tx", "Basic " + TOKEN, TOKEN, f"Bearer {TOKEN} extra", "Bearer tök-ünicode",
             "Bearer \x80\xff", "Bearer ²³"]


@pytest.fixture(scope="module")
async def bases(kafka_bootstrap: str, database_url: str,
                tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[dict[str, str]]:
    """The three services as processes, with a 64 KiB body bound; name -> base URL."""
    async with run_services(kafka_bootstrap, database_url, list(SERVICES), tmp_path_factory.mktemp("limits"),
                            {"IOP_HTTP_MAX_BODY_BYTES": str(64 * 1024)}) as (_, urls):
        yield urls


async def _declared_only(url: str, headers: dict[str, str], declared: int) -> tuple[int, str]:
    """POST declaring `declared` bytes but sending only the head: (status, response text) as the server answers.

    A refusal on the declared length comes before the body is read; sending the whole body instead races the
    server's close (the client may see a reset while it is still writing), which is not what is under test.
    """
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    head = [f"POST {parts.path} HTTP/1.1", f"Host: {parts.netloc}", f"Content-Length: {declared}",
            *[f"{k}: {v}" for k, v in headers.items()], "", ""]
    writer.write("\r\n".join(head).encode() + b"x" * 1024)
    await writer.drain()
    try:
        answer = (await asyncio.wait_for(_response(reader), timeout=10)).decode("latin-1")
    finally:
        writer.close()
    return int(answer.split(" ", 2)[1]), answer


async def _response(reader: asyncio.StreamReader) -> bytes:
    """One whole HTTP response: its head, then as many body bytes as its Content-Length says."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length:"))
    return head + await reader.readexactly(length)


async def _chunks(size: int) -> AsyncIterator[bytes]:
    yield b'{"pad": "'
    for _ in range(size // 8192):
        yield b"x" * 8192
    yield b'"}'


@pytest.mark.parametrize("service", list(SERVICES))
async def test_oversized_json_is_413_declared_or_streamed(bases: dict[str, str], service: str) -> None:
    url = bases[service] + SERVICES[service]
    big = b'{"pad": "' + b"x" * 200_000 + b'"}'
    headers = {**AUTH, "Content-Type": "application/json"}
    declared, answer = await _declared_only(url, headers, len(big))
    async with httpx.AsyncClient(timeout=10) as http:
        streamed = await http.post(url, content=_chunks(400_000), headers=headers)
        small = await http.post(url, json={"pad": "x"}, headers=headers)
    assert declared == 413 and streamed.status_code == 413, (answer, streamed.text)
    assert answer.endswith(f'{{"detail":"request body larger than {64 * 1024} bytes"}}')
    assert small.status_code == 422  # under the bound the body reaches validation


@pytest.mark.parametrize("service", list(SERVICES))
async def test_malformed_tokens_are_401_never_500(bases: dict[str, str], service: str) -> None:
    url = bases[service] + SERVICES[service]
    async with httpx.AsyncClient(timeout=10) as http:
        for value in MALFORMED:
            raw = value.encode("latin-1") if value.isascii() or "\x80" in value else value.encode()
            response = await http.post(url, json={}, headers=[(b"Authorization", raw)])
            assert response.status_code == 401, (value, response.status_code, response.text)
            assert response.headers["www-authenticate"] == "Bearer"
        ok = await http.post(url, json={}, headers=AUTH)
    assert ok.status_code == 422  # the right token passes the check (the empty body is then invalid)


async def test_422_names_fields_and_never_echoes_values(bases: dict[str, str]) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        patient = await http.post(bases["scheduler"] + "/v1/patients", headers=AUTH, json={
            "patient_id": "p-1", "clinic_id": "clinic-a", "phone": PHONE + "9999", "preferred_name": NAME,
            "timezone": "Mars/" + NAME, "revision": 1})
        test_message = await http.post(bases["notifier"] + "/v1/test-messages", headers=AUTH,
                                       json={"channel": "sms", "to": PHONE + "12345"})
        attendance = await http.post(bases["attendance"] + "/v1/attendance", headers=AUTH,
                                     json={"session_id": NAME, "patient_id": PHONE, "status": NAME})
    for response in (patient, test_message, attendance):
        assert response.status_code == 422, response.text
        assert PHONE not in response.text and NAME not in response.text, response.text
        assert all(e["loc"] and "input" not in e and "ctx" not in e for e in response.json()["detail"])
    assert {("body", "timezone"), ("body", "phone")} <= {tuple(e["loc"]) for e in patient.json()["detail"]}
    assert ["body", "to"] in [e["loc"][:2] for e in test_message.json()["detail"]]
    assert ["body", "status"] in [e["loc"] for e in attendance.json()["detail"]]


def _appointment(**changes: Any) -> dict[str, Any]:
    body = {"resourceType": "Appointment", "id": unique("appt"), "status": "booked",
            "start": "2030-01-07T17:00:00Z", "end": "2030-01-07T20:00:00Z",
            "participant": [{"actor": {"reference": "Patient/p-1"}, "status": "accepted"}]}
    return {**body, **changes}


async def test_fhir_version_id_and_patient_participant(bases: dict[str, str]) -> None:
    url = bases["scheduler"] + "/fhir/r4/Appointment"
    practitioner = [{"actor": {"reference": "Practitioner/dr-1", "display": NAME}, "status": "accepted"}]
    async with httpx.AsyncClient(timeout=10) as http:
        superscript = await http.post(url, headers=AUTH, json=_appointment(meta={"versionId": "²"}))
        words = await http.post(url, headers=AUTH, json=_appointment(meta={"versionId": "W/3"}))
        nobody = await http.post(url, headers=AUTH, json=_appointment(participant=practitioner))
        pending = await http.post(url, headers=AUTH, json=_appointment(status="pending", participant=practitioner))
        fine = await http.post(url, headers=AUTH, json=_appointment(meta={"versionId": "12"}))
    for response in (superscript, words):
        assert response.status_code == 422, response.text
        assert response.json()["detail"][0]["loc"] == ["body", "meta", "versionId"]
        assert "²" not in response.text and "W/3" not in response.text
    for response in (nobody, pending):
        assert response.status_code == 422, response.text
        assert response.json()["detail"][0]["loc"] == ["body", "participant"] and NAME not in response.text
    assert fine.status_code == 202, fine.text


async def test_forged_and_oversized_webhooks_are_refused_before_parsing(bases: dict[str, str]) -> None:
    url, form = bases["notifier"] + "/twilio/inbound", {"Content-Type": "application/x-www-form-urlencoded"}
    started = time.monotonic()
    oversized, answer = await _declared_only(url, {**form, "X-Twilio-Signature": "Zm9yZ2Vk"}, 1_000_000)
    elapsed = time.monotonic() - started
    async with httpx.AsyncClient(timeout=10) as http:
        multipart = await http.post(url, files={"f": ("a.bin", b"\0" * 50_000)}, data={"From": PHONE})
        forged = await http.post(url, content=urlencode({"From": PHONE, "Body": "STOP"}),
                                 headers={**form, "X-Twilio-Signature": "Zm9yZ2Vk"})
    assert (oversized, multipart.status_code, forged.status_code) == (413, 415, 403)
    assert elapsed < 5 and PHONE not in answer and all(PHONE not in r.text for r in (multipart, forged))


async def test_clinical_words_in_clinic_data_are_refused_naming_the_field(bases: dict[str, str]) -> None:
    # What would reach a lock screen: a session's place, a FHIR Location's display. Neither is echoed back.
    start = "2030-01-07T17:00:00Z"
    place = {"session_id": unique("s"), "clinic_id": "clinic-a", "program_id": "prog-1", "kind": "group",
             "starts_at": start, "ends_at": "2030-01-07T20:00:00Z", "timezone": "America/New_York",
             "attendees": ["p-1"], "revision": 1, "location": {"public_label": "Addiction Psychiatry Suite"}}
    location = [{"actor": {"reference": "Location/l-1", "display": "Clínica de Adicciones"}, "status": "accepted"},
                {"actor": {"reference": "Patient/p-1"}, "status": "accepted"}]
    async with httpx.AsyncClient(timeout=10) as http:
        session = await http.post(bases["scheduler"] + "/v1/sessions", headers=AUTH, json=place)
        fhir = await http.post(bases["scheduler"] + "/fhir/r4/Appointment", headers=AUTH,
                               json=_appointment(participant=location))
        neutral = await http.post(bases["scheduler"] + "/v1/sessions", headers=AUTH,
                                  json={**place, "session_id": unique("s"), "location": {"public_label": "Suite 210"}})
    assert session.status_code == 422 and fhir.status_code == 422, (session.text, fhir.text)
    assert [e["loc"] for e in session.json()["detail"]] == [["body", "location", "public_label"]]
    assert fhir.json()["detail"][0]["loc"][:2] == ["body", "participant"]
    for response in (session, fhir):
        assert not {"addiction", "psychiatry", "adicciones"} & set(response.text.lower().replace('"', " ").split())
    assert neutral.status_code == 202, neutral.text
