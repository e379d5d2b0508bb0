"""The page, its live stream, the overview API and flag actions: all behind sign-in, all scoped to the user's
clinics; every POST passes the origin and CSRF checks."""

# No `from __future__ import annotations`: FastAPI must see the local Annotated dependencies eagerly.
import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sse_starlette import EventSourceResponse, ServerSentEvent

from .. import metrics
from ..adapters import reschedules
from ..adapters.attendance import FlagActionError
from ..adapters.db import connection
from ..bootstrap import Service
from ..domain.model import Overview
from ..domain.users import User
from ..handlers import commands, queries
from ..handlers.context import Context
from .guard import CSRF_FIELD, CSRF_HEADER, check_csrf, check_origin, csrf_token, current_user, seconds_left
from .schemas import Action, FlagActionIn
from .views import render_live, render_page

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
                               "frame-ancestors 'none'; form-action 'self'",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


def signed_in(service: Service) -> Callable[[Request], User]:
    """A dependency: the signed-in user, or 401 (the page redirects to sign-in instead)."""

    def dependency(request: Request) -> User:
        user = current_user(request, service.settings.session_max_age.total_seconds())
        if user is None:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "sign in first",
                                headers={"WWW-Authenticate": 'Cookie realm="dashboard"'})
        return user

    return dependency


def posted(service: Service) -> Callable[[Request], User]:
    """A dependency of JSON POSTs: signed in, same origin, the session's CSRF token in the X-CSRF-Token header."""
    user_of = signed_in(service)

    def dependency(request: Request) -> User:
        user = user_of(request)
        check_origin(request, service.settings.public_url)
        check_csrf(request, request.headers.get(CSRF_HEADER))
        return user

    return dependency


def router(service: Service) -> APIRouter:
    r = APIRouter()
    settings = service.settings
    User_ = Annotated[User, Depends(signed_in(service))]
    Poster = Annotated[User, Depends(posted(service))]

    def ctx() -> Context:
        assert service.ctx is not None
        return service.ctx

    @r.get("/", response_class=HTMLResponse, tags=["dashboard"])
    async def page(request: Request) -> Response:
        """The operations page of the signed-in user's clinics."""
        user = current_user(request, settings.session_max_age.total_seconds())
        if user is None:
            return RedirectResponse("/login", status_code=status.HTTP_303_SEE_OTHER)
        html = render_page(await queries.overview(ctx(), user.clinics), user, csrf_token(request))
        return HTMLResponse(html, headers=SECURITY_HEADERS)

    @r.get("/events", tags=["dashboard"], response_class=EventSourceResponse)
    async def events(request: Request, user: User_) -> EventSourceResponse:
        """Server-sent events: `overview` carries the live HTML of the user's clinics each time it changes;
        the stream ends when the sign-in expires (the browser then reconnects and gets 401)."""
        assert service.broadcaster is not None
        broadcaster = service.broadcaster
        ends = asyncio.get_running_loop().time() + seconds_left(request, settings.session_max_age.total_seconds())

        async def stream() -> AsyncIterator[ServerSentEvent]:
            async with broadcaster.subscribe(user.clinics) as queue:
                metrics.SSE_CLIENTS.inc()
                try:
                    yield ServerSentEvent(render_live(await queries.overview(ctx(), user.clinics)), event="overview")
                    while True:
                        left = ends - asyncio.get_running_loop().time()
                        if left <= 0:
                            return
                        try:
                            html = await asyncio.wait_for(queue.get(), timeout=left)
                        except TimeoutError:
                            return
                        yield ServerSentEvent(html, event="overview")
                finally:
                    metrics.SSE_CLIENTS.dec()

        return EventSourceResponse(stream(), ping=15, headers={"Cache-Control": "no-store"})

    @r.get("/api/overview", tags=["dashboard"])
    async def api_overview(user: User_) -> Overview:
        """The same data as the page, as JSON."""
        return await queries.overview(ctx(), user.clinics)

    @r.get("/api/reschedules", tags=["dashboard"])
    async def api_reschedules(user: User_) -> list[dict[str, Any]]:
        """Reschedule requests of the user's clinics waiting for the clinic to confirm (ids and times)."""
        async with connection(ctx().pool) as conn:
            return await reschedules.pending(conn, list(user.clinics))

    @r.post("/api/flags/{flag_id}/{action}", tags=["risk"])
    async def api_flag_action(flag_id: str, action: Action, body: FlagActionIn, user: Poster) -> dict[str, Any]:
        """Acknowledge or resolve a flag as the signed-in user; the page updates when its event arrives."""
        try:
            return await commands.act_on_flag(ctx(), user, flag_id, action.value, body.note)
        except FlagActionError as exc:
            raise HTTPException(exc.status, exc.detail) from None

    @r.post("/flags/{flag_id}/{action}", tags=["risk"], status_code=303, response_class=RedirectResponse)
    async def form_flag_action(flag_id: str, action: Action, request: Request, user: User_,
                               token: Annotated[str, Form(alias=CSRF_FIELD, max_length=128)] = "") -> Response:
        """The same without JavaScript, then back to the page."""
        check_origin(request, settings.public_url)
        check_csrf(request, token)
        try:
            await commands.act_on_flag(ctx(), user, flag_id, action.value, None)
        except FlagActionError as exc:
            raise HTTPException(exc.status, exc.detail) from None
        return RedirectResponse("/", status_code=status.HTTP_303_SEE_OTHER)

    return r
