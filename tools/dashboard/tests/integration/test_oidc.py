"""The OIDC authorization-code flow against a small identity provider served over real HTTP: discovery, authorize,
token (an RS256 ID token with the clinics claim) and JWKS."""

import asyncio
import secrets
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
import uvicorn
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route

from iop_dashboard.settings import Settings
from iop_devkit.dashboard import free_port


@dataclass
class FakeIssuer:
    url: str
    clinics: Any
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "k1"}))
    codes: dict[str, str] = field(default_factory=dict)  # code -> nonce

    async def discovery(self, request: Request) -> JSONResponse:
        return JSONResponse({"issuer": self.url, "authorization_endpoint": f"{self.url}/authorize",
                             "token_endpoint": f"{self.url}/token", "jwks_uri": f"{self.url}/jwks",
                             "response_types_supported": ["code"], "id_token_signing_alg_values_supported": ["RS256"]})

    async def authorize(self, request: Request) -> RedirectResponse:
        q = request.query_params
        assert q["response_type"] == "code" and q["code_challenge_method"] == "S256" and "openid" in q["scope"]
        code = secrets.token_urlsafe(8)
        self.codes[code] = q["nonce"]
        return RedirectResponse(f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}")

    async def token(self, request: Request) -> JSONResponse:
        form = await request.form()
        nonce = self.codes.pop(str(form["code"]))
        assert form["code_verifier"]
        now = int(time.time())
        claims = {"iss": self.url, "sub": "u-4711", "aud": "dashboard", "iat": now, "exp": now + 300, "nonce": nonce,
                  "name": "Nurse OIDC", "iop_clinics": self.clinics}
        id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, self.key)
        return JSONResponse({"access_token": "at-1", "token_type": "Bearer", "expires_in": 300, "id_token": id_token})

    async def jwks(self, request: Request) -> JSONResponse:
        return JSONResponse({"keys": [{**self.key.as_dict(private=False), "kid": "k1", "use": "sig", "alg": "RS256"}]})


@asynccontextmanager
async def issuer(clinics: Any) -> AsyncIterator[FakeIssuer]:
    port = free_port()
    fake = FakeIssuer(f"http://127.0.0.1:{port}", clinics)
    app = Starlette(routes=[Route("/.well-known/openid-configuration", fake.discovery),
                            Route("/authorize", fake.authorize), Route("/token", fake.token, methods=["POST"]),
                            Route("/jwks", fake.jwks)])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.05)
    try:
        yield fake
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=10)


def cookie_of(response: httpx.Response) -> str:
    return next(h.split(";", 1)[0] for h in response.headers.get_list("set-cookie")
                if h.startswith("iop_dashboard_session="))


async def sign_in_through(app: Any, http: httpx.AsyncClient) -> httpx.Response:
    start = await app.http.get("/login")
    assert start.status_code == 302
    cookie = cookie_of(start)
    back = await http.get(start.headers["location"])
    assert back.status_code in (302, 307)
    location = urlsplit(back.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{app.url}/auth/callback"
    assert set(parse_qs(location.query)) == {"code", "state"}
    return await app.http.get(f"/auth/callback?{location.query}", headers={"Cookie": cookie})


@pytest.mark.integration
async def test_oidc_sign_in_reads_the_clinics_claim(
        settings: Settings, serve: Callable[..., AbstractAsyncContextManager[Any]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # the local issuer speaks http
    async with issuer(["clinic-a"]) as idp, httpx.AsyncClient(timeout=10) as browser:
        configured = settings.model_copy(update={"oidc_issuer": idp.url, "oidc_client_id": "dashboard",
                                                 "dev_users": {}})
        async with serve(configured, kafka=False, timers=False) as app:
            done = await sign_in_through(app, browser)
            assert done.status_code == 303 and done.headers["location"] == "/", done.text
            app.http.headers["Cookie"] = cookie_of(done)
            overview = await app.http.get("/api/overview")
            assert overview.status_code == 200 and overview.json()["clinics"] == ["clinic-a"]
            page = await app.http.get("/")
            assert "Signed in as Nurse OIDC" in page.text
            dev_form = await app.http.post("/login", data={"username": "nurse-a", "password": "pw-nurse-a-1"})
            assert dev_form.status_code == 404


@pytest.mark.integration
async def test_an_identity_naming_no_clinic_is_refused(
        settings: Settings, serve: Callable[..., AbstractAsyncContextManager[Any]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
    async with issuer([]) as idp, httpx.AsyncClient(timeout=10) as browser:
        configured = settings.model_copy(update={"oidc_issuer": idp.url, "oidc_client_id": "dashboard"})
        async with serve(configured, kafka=False, timers=False) as app:
            done = await sign_in_through(app, browser)
            assert done.status_code == 403 and "iop_clinics" in done.text
