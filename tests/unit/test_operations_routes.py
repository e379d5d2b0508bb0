"""The operations routes every service shares: one /readyz shape; a failing or hanging check is a 503, not a 500."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI

from iop_shared import operations
from iop_shared.operations import Check, lifespan, operations_router

pytestmark = pytest.mark.unit


async def _ok() -> bool:
    return True


async def _raises() -> bool:
    raise ConnectionResetError("the database went away")


async def _hangs() -> bool:
    await asyncio.sleep(3600)
    return True


async def _get(checks: dict[str, Check], path: str) -> httpx.Response:
    app = FastAPI()
    app.include_router(operations_router(lambda: checks))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as http:
        return await http.get(path)


async def test_ready_when_every_check_passes() -> None:
    ready = await _get({"database": _ok, "kafka": _ok}, "/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"ready": True, "checks": {"database": True, "kafka": True}}
    assert (await _get({}, "/healthz")).json() == {"status": "ok"}
    assert "python_info" in (await _get({}, "/metrics")).text


async def test_a_check_that_raises_or_hangs_is_a_503_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(operations, "CHECK_TIMEOUT_S", 0.2)
    ready = await _get({"database": _raises, "kafka": _hangs, "publishing": _ok}, "/readyz")
    assert ready.status_code == 503
    assert ready.json() == {"ready": False, "checks": {"database": False, "kafka": False, "publishing": True}}


async def test_the_lifespan_stops_what_it_started() -> None:
    calls: list[str] = []

    async def start() -> None:
        calls.append("start")

    async def stop() -> None:
        calls.append("stop")

    async with lifespan(start, stop)(FastAPI()):
        assert calls == ["start"]
    assert calls == ["start", "stop"]
