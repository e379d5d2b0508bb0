"""GET /v1/clinics/{id}/experiment-outcomes over the real service and schema: per-patient outcomes of the
clinic's past visits in the window, scoped to the token's clinic, bad windows refused naming the field."""

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from pydantic import SecretStr

from iop_attendance.bootstrap import bootstrap
from iop_attendance.entrypoints.http import create_app
from iop_attendance.settings import Settings
from iop_devkit.experiments import SESSIONS, START, simulate

pytestmark = pytest.mark.integration
CLINIC_A = {"Authorization": "Bearer token-a"}
CLINIC_B = {"Authorization": "Bearer token-b"}
WINDOW = {"starts_at": START.isoformat(), "ends_at": (START + timedelta(days=60)).isoformat()}
URL = "/v1/clinics/clinic-a/experiment-outcomes"


@pytest.fixture
async def client(settings: Settings, database_url: str, pg_schema: str) -> AsyncIterator[httpx.AsyncClient]:
    tokens = {"clinic-a": SecretStr("token-a"), "clinic-b": SecretStr("token-b")}
    service = bootstrap(settings.model_copy(update={"api_tokens": tokens}), kafka=False, timers=False)
    await service.start()
    await simulate(database_url, pg_schema, 30, migrated=True)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(service)),
                                 base_url="http://attendance") as c:
        yield c
    await service.stop()


async def test_outcomes_per_patient_of_the_tokens_clinic_only(client: httpx.AsyncClient) -> None:
    assert (await client.get(URL, params=WINDOW)).status_code == 401
    body = (await client.get(URL, params=WINDOW, headers=CLINIC_A)).json()
    assert body["clinic_id"] == "clinic-a" and len(body["outcomes"]) == 30  # clinic-b's patient is not there
    assert all(o["sessions"] == SESSIONS and o["attended"] + o["no_shows"] == SESSIONS for o in body["outcomes"])
    programs = await client.get(URL, params={**WINDOW, "program_id": ["prog-other"]}, headers=CLINIC_A)
    assert programs.json()["outcomes"] == []
    # Another clinic's token learns nothing, not even whether the clinic exists.
    other = await client.get(URL, params=WINDOW, headers=CLINIC_B)
    assert other.status_code == 404 and "clinic-a" not in other.text


async def test_a_bad_window_is_refused_naming_the_field(client: httpx.AsyncClient) -> None:
    backwards = await client.get(URL, params={"starts_at": WINDOW["ends_at"], "ends_at": WINDOW["starts_at"]},
                                 headers=CLINIC_A)
    assert backwards.status_code == 422 and backwards.json()["detail"][0]["loc"] == ["query", "ends_at"]
    garbled = await client.get(URL, params={**WINDOW, "starts_at": "<script>"}, headers=CLINIC_A)
    assert garbled.status_code == 422 and garbled.json()["detail"][0]["loc"] == ["query", "starts_at"]
    assert "<script>" not in garbled.text
