import json
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
import pytest

from iop_dashboard.settings import Settings


def fake_attendance(seen: list[httpx.Request]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if "gone" in request.url.path:
            return httpx.Response(409, json={"detail": "flag is already resolved"})
        return httpx.Response(200, json={"flag_id": request.url.path.split("/")[3], "status": "acknowledged"})

    return httpx.MockTransport(answer)


@pytest.mark.integration
async def test_flag_actions_go_to_the_attendance_service(
        settings: Settings, serve: Callable[..., AbstractAsyncContextManager[Any]]) -> None:
    seen: list[httpx.Request] = []
    async with serve(settings, kafka=False, timers=False, attendance_transport=fake_attendance(seen)) as app:
        ok = await app.http.post("/api/flags/f-1/acknowledge", json={"by": "nurse-1"})
        assert ok.status_code == 200 and ok.json()["flag_id"] == "f-1"
        conflict = await app.http.post("/api/flags/gone/resolve", json={})
        assert conflict.status_code == 409 and conflict.json()["detail"] == "flag is already resolved"
        bad = await app.http.post("/api/flags/f-1/delete", json={})
        assert bad.status_code == 422
        bad_by = await app.http.post("/api/flags/f-1/resolve", json={"by": "no spaces allowed"})
        assert bad_by.status_code == 422 and bad_by.json()["detail"][0]["loc"] == ["body", "by"]
        cross = await app.http.post("/api/flags/f-1/resolve", json={}, headers={"Sec-Fetch-Site": "cross-site"})
        assert cross.status_code == 403
        forged = await app.http.post("/flags/f-1/resolve", headers={"Origin": "https://evil.example"})
        assert forged.status_code == 403
        form = await app.http.post("/flags/f-2/resolve")
        assert form.status_code == 303 and form.headers["location"] == "/"
    assert [(r.url.path, json.loads(r.content)) for r in seen] == [
        ("/v1/flags/f-1/acknowledge", {"by": "nurse-1"}), ("/v1/flags/gone/resolve", {"by": "ops-test"}),
        ("/v1/flags/f-2/resolve", {"by": "ops-test"})]
    assert all(r.headers["authorization"] == "Bearer test-attendance-token" for r in seen)


@pytest.mark.integration
async def test_page_health_metrics_and_openapi(
        settings: Settings, serve: Callable[..., AbstractAsyncContextManager[Any]]) -> None:
    async with serve(settings, kafka=False, timers=False) as app:
        page = await app.http.get("/")
        assert page.status_code == 200 and "<h1>IOP operations</h1>" in page.text
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert (await app.http.get("/static/dashboard.js")).status_code == 200
        assert (await app.http.get("/healthz")).json() == {"status": "ok"}
        ready = await app.http.get("/readyz")
        assert ready.status_code == 200, ready.json()
        assert "dashboard_events_total" in (await app.http.get("/metrics")).text
        paths = (await app.http.get("/openapi.json")).json()["paths"]
        assert {"/api/overview", "/api/flags/{flag_id}/{action}", "/events", "/readyz"} <= set(paths)
