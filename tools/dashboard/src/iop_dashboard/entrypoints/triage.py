"""The triage queue's one action: open a concern, which shows its text to the signed-in user and nobody else."""

# No `from __future__ import annotations`: FastAPI must see the local Annotated dependencies eagerly.
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse

from ..adapters.notifier import ConcernError
from ..bootstrap import Service
from ..domain.users import User
from ..handlers import commands
from .guard import CSRF_FIELD, check_csrf, check_origin, csrf_token
from .routes import SECURITY_HEADERS, posted, signed_in
from .views import render_concern

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def router(service: Service) -> APIRouter:
    r = APIRouter(tags=["triage"])
    Poster = Annotated[User, Depends(posted(service))]
    User_ = Annotated[User, Depends(signed_in(service))]

    async def open_as(user: User, concern_id: str) -> Any:
        assert service.ctx is not None
        try:
            return await commands.open_concern(service.ctx, user, concern_id)
        except ConcernError as exc:
            raise HTTPException(exc.status, exc.detail) from None

    @r.post("/api/concerns/{concern_id}/open")
    async def api_open(concern_id: str, user: Poster) -> JSONResponse:
        """Open a concern of one of the user's clinics: its text, as the notifier holds it (not stored here)."""
        opened = await open_as(user, concern_id)
        return JSONResponse({"concern_id": opened.concern_id, "patient_id": opened.patient_id,
                             "received_at": opened.received_at.isoformat(), "text": opened.text,
                             "opened_at": opened.opened_at.isoformat(), "opened_by": opened.opened_by},
                            headers=NO_STORE)

    @r.post("/concerns/{concern_id}/open", response_class=HTMLResponse)
    async def form_open(concern_id: str, request: Request, user: User_,
                        token: Annotated[str, Form(alias=CSRF_FIELD, max_length=128)] = "") -> HTMLResponse:
        """The same without JavaScript: a page with the text."""
        check_origin(request, service.settings.public_url)
        check_csrf(request, token)
        opened = await open_as(user, concern_id)
        return HTMLResponse(render_concern(opened, user, csrf_token(request), service.settings.timezone),
                            headers=SECURITY_HEADERS)

    return r
