"""The dashboard's HTTP side: sign-in, the page, its live stream, the JSON API, health and metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Response, status
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.middleware.sessions import SessionMiddleware

from iop_shared.health import readiness
from iop_shared.http_errors import install_http_guards

from ..adapters.db import connection
from ..bootstrap import Service
from . import experiments, routes, signin, triage

STATIC = Path(__file__).parent.parent / "static"
SESSION_COOKIE = "iop_dashboard_session"


def create_app(service: Service) -> FastAPI:
    """The FastAPI app; its lifespan starts and stops the service (consumers, listener, timer)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await service.start()
        try:
            yield
        finally:
            await service.stop()

    s = service.settings
    app = FastAPI(title="IOP operations dashboard", version="1.1.0", lifespan=lifespan,
                  description="Today's sessions, attendance, missed visits, risk flags, the triage queue and "
                              "notification delivery of the signed-in user's clinics, projected from the Kafka "
                              "events; flag actions go to the attendance service, concerns open through the "
                              "notifier.")
    # Signed (itsdangerous, expiry checked on every request), HttpOnly, SameSite=Lax; Secure outside development.
    app.add_middleware(SessionMiddleware, secret_key=s.session_key(), session_cookie=SESSION_COOKIE,
                       max_age=int(s.session_max_age.total_seconds()), same_site="lax", https_only=s.cookie_secure)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    install_http_guards(app, s.http_max_body_bytes)  # 413 before parsing; 422s never echo input
    app.include_router(signin.router(s))
    app.include_router(routes.router(service))
    app.include_router(triage.router(service))
    app.include_router(experiments.router(service))

    @app.get("/healthz", tags=["operations"])
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"])
    async def readyz(response: Response) -> dict[str, bool]:
        """Database, Kafka and the change listener."""
        checks = {"database": False, "kafka": service.broker is None,
                  "listener": service.listener is not None and service.listener.listening.is_set()}
        try:
            assert service.ctx is not None
            async with connection(service.ctx.pool) as conn:
                checks["database"] = await conn.fetchval("SELECT true") is True
            if service.broker is not None:
                checks["kafka"] = await service.broker.ping(timeout=2.0)
            checks["consumers"] = (await readiness(service.ctx.pool, service.settings, outbox=False)).ready
        except Exception:
            checks["consumers"] = False
        if not all(checks.values()):
            response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return checks

    @app.get("/metrics", tags=["operations"])
    async def metrics_endpoint() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return app
