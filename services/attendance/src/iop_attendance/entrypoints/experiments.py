"""`GET /v1/clinics/{clinic_id}/experiment-outcomes`: each patient's past expected visits in an experiment's window,
so the dashboard reports an experiment with the same query and function as `iopctl experiments report`."""

# No `from __future__ import annotations`: FastAPI must see the Annotated dependencies eagerly.
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, status
from fastapi.exceptions import RequestValidationError

from iop_shared.contracts.common import EntityId

from ..adapters import experiments
from ..adapters.db import connection
from ..bootstrap import Service
from .auth import Scope

MAX_PROGRAMS = 50


def router(service: Service) -> APIRouter:
    r = APIRouter()

    @r.get("/v1/clinics/{clinic_id}/experiment-outcomes", tags=["dashboard"])
    async def experiment_outcomes(clinic_id: EntityId, scope: Scope, starts_at: datetime, ends_at: datetime,
                                  program_id: Annotated[list[EntityId] | None,
                                                        Query(max_length=MAX_PROGRAMS)] = None) -> dict[str, Any]:
        """Per patient of the clinic: sessions, attended and no-shows of the window's past expected visits
        (of `program_id`s, when given); another clinic's token answers 404, as an unknown clinic would."""
        if scope is not None and scope != clinic_id:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such clinic")
        starts_at, ends_at = (t if t.tzinfo else t.replace(tzinfo=UTC) for t in (starts_at, ends_at))
        if ends_at <= starts_at:
            raise RequestValidationError([{"loc": ["query", "ends_at"], "msg": "must be after starts_at",
                                           "type": "value_error"}])
        assert service.ctx is not None
        async with connection(service.ctx.pool) as conn:
            rows = await experiments.outcomes(conn, clinic_id, starts_at, ends_at, service.ctx.clock.now(),
                                              program_id or ())
        return {"clinic_id": clinic_id, "outcomes": [
            {"patient_id": o.patient_id, "sessions": o.sessions, "attended": o.attended, "no_shows": o.no_shows}
            for o in rows]}

    return r
