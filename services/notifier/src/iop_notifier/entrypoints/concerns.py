"""GET /v1/concerns and POST /v1/concerns/{id}/open: the dashboard's triage queue, behind the triage token."""

from datetime import datetime
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, Header, HTTPException, Path, Query, Request
from pydantic import BaseModel, Field

from iop_notifier.handlers.concerns import list_concerns, open_concern
from iop_notifier.handlers.deps import Deps
from iop_notifier.settings import Settings
from iop_shared.bearer import match_token

Id = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:\-]+$")]


class ConcernSummary(BaseModel):
    concern_id: str
    patient_id: str | None
    clinic_id: str | None
    care_team_id: str | None
    received_at: datetime
    paged: bool
    opened_at: datetime | None
    opened_by: str | None


class Concerns(BaseModel):
    """A clinic's texts that need a person, oldest first (no text)."""

    concerns: list[ConcernSummary]


class OpenConcern(BaseModel):
    """Who opens a concern, for which clinic."""

    clinic_id: Id
    by: Id


class OpenedConcern(BaseModel):
    """An opened concern with its raw text (null once the retention period purged it)."""

    concern_id: str
    patient_id: str | None
    clinic_id: str | None
    received_at: datetime
    text: str | None
    opened_at: datetime
    opened_by: str


def triage_deps(request: Request, authorization: Annotated[str | None, Header()] = None) -> Deps:
    """The notifier's dependencies, for a caller holding the triage token only."""
    settings: Settings = request.app.state.settings
    match_token(authorization, [(settings.triage_token.get_secret_value(), True)],
                "a valid triage bearer token is required")
    return request.app.state.deps  # type: ignore[no-any-return]


TriageDeps = Annotated[Deps, Depends(triage_deps)]


def add_concern_routes(app: FastAPI, settings: Settings) -> None:
    app.state.settings = settings

    @app.get("/v1/concerns", response_model=Concerns)
    async def concerns(d: TriageDeps, clinic_id: Annotated[str, Query(min_length=1, max_length=128)],
                       state: Literal["open", "all"] = "open") -> Concerns:
        rows = await list_concerns(d, clinic_id, open_only=state == "open")
        return Concerns(concerns=[ConcernSummary.model_validate(r) for r in rows])

    @app.post("/v1/concerns/{concern_id}/open", response_model=OpenedConcern)
    async def open_(d: TriageDeps, body: OpenConcern,
                    concern_id: Annotated[str, Path(min_length=1, max_length=128)]) -> OpenedConcern:
        opened = await open_concern(d, concern_id, body.clinic_id, body.by)
        if opened is None:
            raise HTTPException(404, "no such concern for this clinic")
        return OpenedConcern.model_validate(opened)
