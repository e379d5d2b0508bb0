"""FHIR R4 reads, authorized per clinic: Communication (what was sent or withheld) and QuestionnaireResponse."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from iop_notifier.adapters.sql import Q
from iop_notifier.domain import fhir
from iop_notifier.domain.instrument_set import load
from iop_notifier.handlers.deps import Deps
from iop_shared.bearer import require_token
from iop_shared.contracts.common import EntityId

ALL_CLINICS = "*"
FHIR_JSON = "application/fhir+json"
bearer = HTTPBearer(auto_error=False)


def clinic_scope(request: Request,
                 _: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> str | None:
    """The caller's clinic, or None for every clinic; 401 without a known token."""
    deps: Deps = request.app.state.deps
    tokens = deps.settings.api_tokens
    if not tokens and deps.settings.environment == "development":
        return None
    clinic: str = require_token(request, [(t.get_secret_value(), c) for c, t in tokens.items()])
    return None if clinic == ALL_CLINICS else clinic


Scope = Annotated[str | None, Depends(clinic_scope)]
Patient = Annotated[EntityId, Query(alias="patient")]
Count = Annotated[int, Query(alias="_count", ge=1, le=500)]
router = APIRouter(prefix="/fhir/r4", tags=["fhir"])


async def _patient(deps: Deps, patient_id: str, scope: str | None) -> None:
    clinic = await deps.pool.fetchval(Q["fhir_patient_clinic"], patient_id)
    if clinic is None or (scope is not None and clinic != scope):  # another clinic's patient is not found
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such patient")


def _respond(request: Request, resources: list[dict[str, Any]]) -> JSONResponse:
    base = str(request.base_url).rstrip("/") + "/fhir/r4"
    return JSONResponse(fhir.bundle(resources, str(request.url), base), media_type=FHIR_JSON)


@router.get("/Communication")
async def communications(request: Request, patient: Patient, scope: Scope, count: Count = 100) -> JSONResponse:
    """Messages to the patient: medium, sent time, status, the reason code when withheld; never the body."""
    deps: Deps = request.app.state.deps
    await _patient(deps, patient, scope)
    rows = await deps.pool.fetch(Q["fhir_communications"], patient, count)
    return _respond(request, [fhir.communication(dict(r), patient) for r in rows])


@router.get("/QuestionnaireResponse")
async def questionnaire_responses(request: Request, patient: Patient, scope: Scope, count: Count = 100) -> JSONResponse:
    """The patient's questionnaire answers by text, one resource per instrument, items by LOINC code."""
    deps: Deps = request.app.state.deps
    await _patient(deps, patient, scope)
    out: list[dict[str, Any]] = []
    for row in await deps.pool.fetch(Q["fhir_conversations"], patient, count):
        out += fhir.questionnaire_responses(dict(row), json.loads(row["answers"]), patient, load())
    return _respond(request, out)
