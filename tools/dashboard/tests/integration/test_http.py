import json
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from iop_dashboard.settings import Settings
from iop_devkit.dashboard import flagged, patient, sign_in
from iop_devkit.testing.kafka import eventually, publish


def fake_attendance(seen: list[httpx.Request]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"flag_id": request.url.path.split("/")[3], "status": "acknowledged"})

    return httpx.MockTransport(answer)


@pytest.mark.integration
async def test_without_sign_in_the_page_redirects_and_the_api_and_stream_answer_401(
        settings: Settings, serve: Callable[..., AbstractAsyncContextManager[Any]]) -> None:
    async with serve(settings, kafka=False, timers=False) as app:
        page = await app.http.get("/")
        assert page.status_code == 303 and page.headers["location"] == "/login"
        assert (await app.http.get("/api/overview")).status_code == 401
        assert (await app.http.get("/events")).status_code == 401
        assert (await app.http.post("/api/flags/f-1/acknowledge", json={})).status_code == 401
        assert (await app.http.post("/api/concerns/c-1/open", json={})).status_code == 401
        assert (await app.http.post("/flags/f-1/resolve")).status_code == 401
        login = await app.http.get("/login")
        assert login.status_code == 200 and 'name="password"' in login.text


@pytest.mark.integration
async def test_sign_in_sets_a_signed_httponly_lax_secure_cookie_and_refuses_wrong_passwords(
        settings: Settings, serve: Callable[..., AbstractAsyncContextManager[Any]]) -> None:
    behind_https = settings.model_copy(update={"public_url": "https://dash.clinic.example"})
    async with serve(behind_https, kafka=False, timers=False) as app:
        form = await app.http.get("/login")
        cookie = form.headers["set-cookie"].split(";", 1)[0]
        token = form.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        for user, password in (("nurse-a", "wrong"), ("nobody", "pw-nurse-a-1"), ("nurse-a", "pw-nurse-a-")):
            refused = await app.http.post("/login", data={"username": user, "password": password,
                                                          "csrf_token": token}, headers={"Cookie": cookie})
            assert refused.status_code == 401 and "Unknown user or wrong password." in refused.text
        no_token = await app.http.post("/login", data={"username": "nurse-a", "password": "pw-nurse-a-1"},
                                       headers={"Cookie": cookie})
        assert no_token.status_code == 403
        ok = await app.http.post("/login", data={"username": "nurse-a", "password": "pw-nurse-a-1",
                                                 "csrf_token": token}, headers={"Cookie": cookie})
        assert ok.status_code == 303 and ok.headers["location"] == "/"
        attrs = ok.headers["set-cookie"].lower()
        assert "httponly" in attrs and "samesite=lax" in attrs and "secure" in attrs and "max-age=28800" in attrs
        assert "pw-nurse-a-1" not in ok.headers["set-cookie"]
        signed = ok.headers["set-cookie"].split(";", 1)[0]
        tampered = signed[:-4] + ("AAAA" if not signed.endswith("AAAA") else "BBBB")
        assert (await app.http.get("/api/overview", headers={"Cookie": tampered})).status_code == 401
        assert (await app.http.get("/api/overview", headers={"Cookie": signed})).status_code == 200

        csrf = await sign_in(app.http, "nurse-a", "pw-nurse-a-1")
        page = await app.http.get("/")
        assert "Signed in as Nurse A" in page.text and "Clinics: clinic-a" in page.text
        assert (await app.http.post("/logout", data={"csrf_token": "wrong"})).status_code == 403
        out = await app.http.post("/logout", data={"csrf_token": csrf})
        assert out.status_code == 303 and out.headers["location"] == "/login"
        app.http.headers["Cookie"] = out.headers["set-cookie"].split(";", 1)[0]
        assert (await app.http.get("/api/overview")).status_code == 401


@pytest.mark.integration
async def test_csrf_and_origin_checks_then_the_action_records_the_signed_in_user(
        settings: Settings, serve: Callable[..., AbstractAsyncContextManager[Any]], kafka_bootstrap: str) -> None:
    seen: list[httpx.Request] = []
    now = datetime.now(UTC)
    mine, theirs = flagged("p-csrf-a", now), flagged("p-csrf-b", now)
    async with serve(settings, timers=False, attendance_transport=fake_attendance(seen)) as app:
        await publish(kafka_bootstrap, patient("p-csrf-a", "clinic-a"), patient("p-csrf-b", "clinic-b"), mine, theirs)
        csrf = await sign_in(app.http, "nurse-a", "pw-nurse-a-1")

        async def projected() -> bool:
            flags = (await app.http.get("/api/overview")).json()["flags"]
            # The topics are shared with the session's other tests (clinic-a flags of theirs): ours only.
            return [f["flag_id"] for f in flags if f["patient_id"].startswith("p-csrf-")] == [mine.data.flag_id]

        await eventually(projected, timeout=30)
        url = f"/api/flags/{mine.data.flag_id}/acknowledge"
        assert (await app.http.post(url, json={})).status_code == 403  # no token
        assert (await app.http.post(url, json={}, headers={"X-CSRF-Token": csrf[:-1] + "x"})).status_code == 403
        for origin in ("null", "https://evil.example", "http://127.0.0.1.evil.example", "file://"):
            refused = await app.http.post(url, json={}, headers={"X-CSRF-Token": csrf, "Origin": origin})
            assert refused.status_code == 403, origin
        cross = await app.http.post(url, json={}, headers={"X-CSRF-Token": csrf, "Sec-Fetch-Site": "cross-site"})
        assert cross.status_code == 403
        assert (await app.http.post(f"/flags/{mine.data.flag_id}/resolve")).status_code == 403  # form, no token
        assert seen == []
        forged_by = await app.http.post(url, json={"by": "someone-else"}, headers={"X-CSRF-Token": csrf})
        assert forged_by.status_code == 422 and forged_by.json()["detail"][0]["loc"] == ["body", "by"]
        other = await app.http.post(f"/api/flags/{theirs.data.flag_id}/acknowledge", json={},
                                    headers={"X-CSRF-Token": csrf})
        assert other.status_code == 404
        same_origin = {"X-CSRF-Token": csrf, "Origin": app.url}
        ok = await app.http.post(url, json={"note": "called back"}, headers=same_origin)
        assert ok.status_code == 200, ok.text
        form = await app.http.post(f"/flags/{mine.data.flag_id}/resolve", data={"csrf_token": csrf},
                                   headers={"Origin": app.url})
        assert form.status_code == 303 and form.headers["location"] == "/"
    assert [(r.url.path, json.loads(r.content)) for r in seen] == [
        (f"/v1/flags/{mine.data.flag_id}/acknowledge", {"by": "nurse-a", "note": "called back"}),
        (f"/v1/flags/{mine.data.flag_id}/resolve", {"by": "nurse-a"})]
    assert all(r.headers["authorization"] == "Bearer test-attendance-token" for r in seen)


@pytest.mark.integration
async def test_page_health_metrics_and_openapi(
        settings: Settings, serve: Callable[..., AbstractAsyncContextManager[Any]]) -> None:
    async with serve(settings, kafka=False, timers=False) as app:
        await sign_in(app.http, "nurse-a", "pw-nurse-a-1")
        page = await app.http.get("/")
        assert page.status_code == 200 and "<h1>IOP operations</h1>" in page.text
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert (await app.http.get("/static/dashboard.js")).status_code == 200
        assert (await app.http.get("/healthz")).json() == {"status": "ok"}
        ready = await app.http.get("/readyz")
        assert ready.status_code == 200, ready.json()
        assert "dashboard_events_total" in (await app.http.get("/metrics")).text
        paths = (await app.http.get("/openapi.json")).json()["paths"]
        assert {"/api/overview", "/api/flags/{flag_id}/{action}", "/api/concerns/{concern_id}/open", "/events",
                "/login", "/logout", "/readyz"} <= set(paths)


@pytest.mark.integration
async def test_a_sign_in_expires_and_its_stream_ends(
        settings: Settings, serve: Callable[..., AbstractAsyncContextManager[Any]]) -> None:
    short = settings.model_copy(update={"session_max_age": timedelta(seconds=3)})
    async with serve(short, kafka=False, timers=False) as app:
        await sign_in(app.http, "nurse-a", "pw-nurse-a-1")
        began = time.monotonic()
        async with app.http.stream("GET", "/events") as stream:
            assert stream.status_code == 200
            async for _ in stream.aiter_lines():
                pass  # until the server ends the stream
        # The session's timestamp has whole seconds (itsdangerous): it expires 2-3 s after `began`, not sooner.
        assert 1.5 <= time.monotonic() - began < 10
        assert (await app.http.get("/api/overview")).status_code == 401
        assert (await app.http.get("/")).status_code == 303
