"""Reminder experiments of the signed-in user's clinics: a page and its JSON, the numbers of `iopctl experiments
report` (one shared function over the attendance service's outcomes)."""

# No `from __future__ import annotations`: FastAPI must see the local Annotated dependencies eagerly.
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from iop_shared.contracts.common import EntityId

from ..adapters.attendance import FlagActionError
from ..bootstrap import Service
from ..domain.users import User
from ..handlers import experiments
from ..handlers.context import Context
from .guard import current_user
from .routes import SECURITY_HEADERS, signed_in
from .views import render_experiments


def router(service: Service) -> APIRouter:
    r = APIRouter(tags=["experiments"])
    User_ = Annotated[User, Depends(signed_in(service))]

    def ctx() -> Context:
        assert service.ctx is not None
        return service.ctx

    @r.get("/api/experiments")
    async def api_experiments(user: User_) -> list[dict[str, Any]]:
        """The report of every experiment of the user's clinics."""
        try:
            return await experiments.reports(ctx(), user)
        except FlagActionError as exc:
            raise HTTPException(exc.status, exc.detail) from None

    @r.get("/api/experiments/{experiment_id}")
    async def api_experiment(experiment_id: EntityId, user: User_) -> dict[str, Any]:
        """One experiment's report: per arm patients, sessions, rates, lift over control and its 95 % interval."""
        try:
            return await experiments.report(ctx(), user, experiment_id)
        except FlagActionError as exc:
            raise HTTPException(exc.status, exc.detail) from None

    @r.get("/experiments", response_class=HTMLResponse)
    async def page(request: Request) -> Response:
        """The same as a page."""
        user = current_user(request, service.settings.session_max_age.total_seconds())
        if user is None:
            return RedirectResponse("/login", status_code=status.HTTP_303_SEE_OTHER)
        try:
            reports = await experiments.reports(ctx(), user)
        except FlagActionError as exc:
            raise HTTPException(exc.status, exc.detail) from None
        return HTMLResponse(render_experiments(reports, user), headers=SECURITY_HEADERS)

    return r
