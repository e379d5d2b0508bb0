"""The dashboard's HTTP side: the page, its live stream, the JSON API, health and metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, HTTPException, Request, Response, status
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sse_starlette import EventSourceResponse, ServerSentEvent

from iop_shared.health import readiness
from iop_shared.http_errors import install_http_guards

from .. import metrics
from ..adapters.attendance import FlagActionError
from ..adapters.db import connection
from ..bootstrap import Service
from ..domain.model import Overview
from ..handlers import commands, queries
from ..handlers.context import Context
from .schemas import Action, FlagActionIn
from .views import render_live, render_page

STATIC = Path(__file__).parent.parent / "static"


def create_app(service: Service) -> FastAPI:
    """The FastAPI app; its lifespan starts and stops the service (consumers, listener, timer)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await service.start()
        try:
            yield
        finally:
            await service.stop()

    app = FastAPI(title="IOP operations dashboard", version="1.0.0", lifespan=lifespan,
                  description="Today's sessions, attendance, missed visits, risk flags and notification delivery, "
                              "projected from the Kafka events; flag actions go to the attendance service.")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    install_http_guards(app, service.settings.http_max_body_bytes)  # 413 before parsing; 422s never echo input

    def ctx() -> Context:
        assert service.ctx is not None
        return service.ctx

    @app.get("/", response_class=HTMLResponse, tags=["dashboard"])
    async def page() -> HTMLResponse:
        """The operations page."""
        html = render_page(await queries.overview(ctx()), ctx().settings.operator_id)
        return HTMLResponse(html, headers=_SECURITY_HEADERS)

    @app.get("/events", tags=["dashboard"], response_class=EventSourceResponse)
    async def events() -> EventSourceResponse:
        """Server-sent events: `overview` carries the page's live HTML each time the projection changes."""
        assert service.broadcaster is not None
        broadcaster = service.broadcaster

        async def stream() -> AsyncIterator[ServerSentEvent]:
            async with broadcaster.subscribe() as queue:
                metrics.SSE_CLIENTS.inc()
                try:
                    yield ServerSentEvent(render_live(await queries.overview(ctx())), event="overview")
                    while True:
                        yield ServerSentEvent(await queue.get(), event="overview")
                finally:
                    metrics.SSE_CLIENTS.dec()

        return EventSourceResponse(stream(), ping=15, headers={"Cache-Control": "no-store"})

    @app.get("/api/overview", tags=["dashboard"])
    async def api_overview() -> Overview:
        """The same data as the page, as JSON."""
        return await queries.overview(ctx())

    @app.post("/api/flags/{flag_id}/{action}", tags=["risk"])
    async def api_flag_action(flag_id: str, action: Action, body: FlagActionIn, request: Request) -> dict[str, Any]:
        """Acknowledge or resolve a flag through the attendance service; the page updates when its event arrives."""
        _same_origin(request)
        try:
            return await commands.act_on_flag(ctx(), flag_id, action.value, body.by, body.note)
        except FlagActionError as exc:
            raise HTTPException(exc.status, exc.detail) from None

    @app.post("/flags/{flag_id}/{action}", tags=["risk"], status_code=303, response_class=RedirectResponse)
    async def form_flag_action(flag_id: str, action: Action, request: Request) -> RedirectResponse:
        """The same without JavaScript: acts as the configured operator, then back to the page."""
        _same_origin(request)
        try:
            await commands.act_on_flag(ctx(), flag_id, action.value, None, None)
        except FlagActionError as exc:
            raise HTTPException(exc.status, exc.detail) from None
        return RedirectResponse("/", status_code=status.HTTP_303_SEE_OTHER)

    @app.get("/healthz", tags=["operations"])
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"])
    async def readyz(response: Response) -> dict[str, bool]:
        """Database, Kafka and the change listener."""
        checks = {"database": False, "kafka": service.broker is None,
                  "listener": service.listener is not None and service.listener.listening.is_set()}
        try:
            async with connection(ctx().pool) as conn:
                checks["database"] = await conn.fetchval("SELECT true") is True
            if service.broker is not None:
                checks["kafka"] = await service.broker.ping(timeout=2.0)
            checks["consumers"] = (await readiness(ctx().pool, service.settings, outbox=False)).ready
        except Exception:
            checks["consumers"] = False
        if not all(checks.values()):
            response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return checks

    @app.get("/metrics", tags=["operations"])
    async def metrics_endpoint() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return app


_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
                               "frame-ancestors 'none'; form-action 'self'",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


def _same_origin(request: Request) -> None:
    """Refuse cross-site posts: another site must not acknowledge flags through an operator's browser."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "cross-site request refused")
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "cross-site request refused")
