"""The experiments page and API: the numbers of `iopctl experiments report` (one query in the attendance service,
one shared report function), signed in, scoped to the viewer's clinics; the attendance service is the real one."""

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from iop_attendance.bootstrap import bootstrap as attendance_bootstrap
from iop_attendance.entrypoints.http import create_app as attendance_app
from iop_attendance.settings import Settings as AttendanceSettings
from iop_ctl.main import app as iopctl
from iop_dashboard.settings import Settings
from iop_devkit.dashboard import sign_in
from iop_devkit.experiments import experiment, simulate
from iop_devkit.testing.plugin import fresh_schema

pytestmark = pytest.mark.integration
PATIENTS = 300


@pytest.fixture
async def attendance(kafka_bootstrap: str, database_url: str) -> AsyncIterator[tuple[str, httpx.ASGITransport]]:
    """The attendance service's HTTP API on a schema holding a simulated experiment (no Kafka, no timers)."""
    async with fresh_schema(database_url) as schema:
        await simulate(database_url, schema, PATIENTS)
        service = attendance_bootstrap(AttendanceSettings(  # type: ignore[call-arg]
            KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url, db_schema=schema,
            IOP_ENVIRONMENT="development", api_tokens={"*": "test-attendance-token"}), kafka=False, timers=False)
        await service.start()
        try:
            yield schema, httpx.ASGITransport(app=attendance_app(service))
        finally:
            await service.stop()


def iopctl_report(database_url: str, schema: str, definitions: Path) -> dict[str, Any]:
    result = CliRunner(env={"DATABASE_URL": database_url}).invoke(
        iopctl, ["experiments", "report", "exp-1", "--definitions", str(definitions), "--schema", schema])
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.output.strip().splitlines()[-1])
    return report


async def test_the_page_and_api_show_the_iopctl_numbers_to_the_experiments_clinic_only(
        settings: Settings, serve: Callable[..., AbstractAsyncContextManager[Any]], database_url: str,
        attendance: tuple[str, httpx.ASGITransport], tmp_path: Path) -> None:
    schema, transport = attendance
    definitions = tmp_path / "experiments.json"
    definitions.write_text(json.dumps([experiment().model_dump(mode="json")]))
    cli = await asyncio.to_thread(iopctl_report, database_url, schema, definitions)
    with_experiments = settings.model_copy(update={"experiments": [experiment()]})
    async with serve(with_experiments, kafka=False, timers=False, attendance_transport=transport) as app:
        for path in ("/api/experiments", "/api/experiments/exp-1"):
            assert (await app.http.get(path)).status_code == 401
        assert (await app.http.get("/experiments")).headers.get("location") == "/login"

        await sign_in(app.http, "nurse-a", "pw-nurse-a-1")
        one = (await app.http.get("/api/experiments/exp-1")).json()
        assert one["arms"] == cli["arms"] and one["experiment_id"] == cli["experiment_id"] == "exp-1"
        assert sum(a["patients"] for a in one["arms"]) == PATIENTS  # clinic-b's patient is not counted
        assert [r["arms"] for r in (await app.http.get("/api/experiments")).json()] == [cli["arms"]]
        page = await app.http.get("/experiments")
        assert page.status_code == 200 and page.headers["content-security-policy"].startswith("default-src")
        for arm in cli["arms"]:
            assert f'data-arm="{arm["arm"]}"' in page.text
            assert f'<td>{arm["patients"]}</td><td>{arm["sessions"]}</td>' in page.text
            assert f'{arm["attended_rate"] * 100:.1f}%' in page.text
            if arm["ci95"]:
                assert f'[{arm["ci95"][0] * 100:+.1f}%, {arm["ci95"][1] * 100:+.1f}%]' in page.text

        async with httpx.AsyncClient(base_url=app.url, timeout=10) as b:
            await sign_in(b, "nurse-b", "pw-nurse-b-1")  # clinic-b: the experiment is not theirs
            assert (await b.get("/api/experiments/exp-1")).status_code == 404
            assert (await b.get("/api/experiments")).json() == []
            assert "No experiment in your clinics." in (await b.get("/experiments")).text
