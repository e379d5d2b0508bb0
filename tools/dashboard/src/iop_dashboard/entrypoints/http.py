"""The dashboard's HTTP side: sign-in, the page, its live stream, the JSON API, health and metrics."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from iop_shared.http_errors import install_http_guards
from iop_shared.operations import database_check, kafka_check, lifespan, operations_router, work_check

from ..bootstrap import Service
from . import experiments, routes, signin, triage

STATIC = Path(__file__).parent.parent / "static"
SESSION_COOKIE = "iop_dashboard_session"


def create_app(service: Service) -> FastAPI:
    """The FastAPI app; its lifespan starts and stops the service (consumers, listener, timer)."""

    s = service.settings
    app = FastAPI(title="IOP operations dashboard", version="1.1.0", lifespan=lifespan(service.start, service.stop),
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

    async def listening() -> bool:
        return service.listener is not None and service.listener.listening.is_set()

    pool = lambda: service.pool  # noqa: E731 - opened at start, after the app is built
    app.include_router(operations_router(lambda: {
        "database": database_check(pool), "kafka": kafka_check(lambda: service.broker), "listener": listening,
        "consumers": work_check(pool, s, outbox=False)}))
    return app
