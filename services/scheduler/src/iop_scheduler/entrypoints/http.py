"""The scheduler's HTTP side: ingest for clinic systems (JSON and FHIR R4), health, readiness, metrics."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body, Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, ValidationError

from iop_shared.bearer import require_token
from iop_shared.contracts.common import Revision
from iop_shared.contracts.inbound import PatientUpserted, SessionCancelled, SessionUpserted
from iop_shared.contracts.reschedule import SlotUpserted
from iop_shared.http_errors import install_http_guards, invalid_body
from iop_shared.operations import database_check, kafka_check, lifespan, operations_router, work_check

from ..bootstrap import Service
from ..domain.fhir import Appointment, FhirFieldError
from ..domain.fhir_slot import FhirSlotError, map_slot
from ..domain.offers import PendingReschedule
from ..handlers import commands

_bearer = HTTPBearer(auto_error=False)


def clinic_of(request: Request, _: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> str:
    """The clinic a bearer token belongs to; 401 without a known token (HTTPBearer only documents the scheme)."""
    tokens: dict[str, str] = request.app.state.tokens
    return str(require_token(request, tokens.items(), "a valid clinic bearer token is required"))


Clinic = Annotated[str, Depends(clinic_of)]


class Accepted(BaseModel):
    """The ids of the events queued for Kafka."""

    event_ids: list[str]


class CancelBody(BaseModel):
    reason: str | None = Field(default=None, max_length=200)
    revision: Revision


def create_app(service: Service) -> FastAPI:
    """The FastAPI app; its lifespan starts and stops the whole service."""

    app = FastAPI(title="IOP scheduler", version="1.0", lifespan=lifespan(service.start, service.stop),
                  description="Session ingest (JSON, FHIR R4), reminder planning and durable dispatch.")
    app.state.tokens = service.settings.tokens()
    install_http_guards(app, service.settings.http_max_body_bytes)  # 413 before parsing; 422s never echo input
    deps = service.deps

    @app.exception_handler(commands.Forbidden)
    async def forbidden(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, commands.Forbidden)
        return JSONResponse({"detail": exc.detail()}, status_code=403)

    @app.exception_handler(commands.NotFound)
    async def not_found(_: Request, __: Exception) -> JSONResponse:
        return JSONResponse({"detail": "unknown session"}, status_code=404)

    @app.post("/v1/sessions", status_code=202, response_model=Accepted, tags=["ingest"])
    async def upsert_session(body: SessionUpserted, clinic_id: Clinic) -> Accepted:
        """Publish iop.session.upserted.v1 for the caller's clinic."""
        return Accepted(event_ids=await commands.upsert_session(deps, clinic_id, body))

    @app.post("/v1/sessions/{session_id}/cancel", status_code=202, response_model=Accepted, tags=["ingest"])
    async def cancel_session(session_id: str, body: CancelBody, clinic_id: Clinic) -> Accepted:
        """Publish iop.session.cancelled.v1 for a session of the caller's clinic."""
        try:
            event = SessionCancelled(session_id=session_id, reason=body.reason, revision=body.revision)
        except ValidationError as exc:
            raise HTTPException(422, invalid_body(exc)) from exc
        return Accepted(event_ids=await commands.cancel_session(deps, clinic_id, event))

    @app.post("/v1/patients", status_code=202, response_model=Accepted, tags=["ingest"])
    async def upsert_patient(body: PatientUpserted, clinic_id: Clinic) -> Accepted:
        """Publish iop.patient.upserted.v1 for the caller's clinic."""
        return Accepted(event_ids=await commands.upsert_patient(deps, clinic_id, body))

    @app.post("/fhir/r4/Appointment", status_code=202, response_model=Accepted, tags=["fhir"])
    async def fhir_appointment(body: Appointment, clinic_id: Clinic) -> Accepted:
        """Map a FHIR R4 Appointment to session or attendance events (proposed/waitlist: nothing)."""
        try:
            return Accepted(event_ids=await commands.fhir_appointment(deps, clinic_id, body))
        except FhirFieldError as exc:
            raise HTTPException(422, [{"loc": ["body", *exc.field.split(".")], "msg": str(exc),
                                       "type": "value_error"}]) from exc
        except ValidationError as exc:
            raise HTTPException(422, invalid_body(exc)) from exc

    @app.post("/v1/slots", status_code=202, response_model=Accepted, tags=["ingest"])
    async def upsert_slot(body: SlotUpserted, clinic_id: Clinic) -> Accepted:
        """Publish iop.slot.upserted.v1 (an open slot) for the caller's clinic."""
        return Accepted(event_ids=await commands.upsert_slot(deps, clinic_id, body))

    @app.post("/fhir/r4/Slot", status_code=202, response_model=Accepted, tags=["fhir"])
    async def fhir_slot(body: Annotated[dict[str, Any], Body()], clinic_id: Clinic) -> Accepted:
        """Map a FHIR R4 Slot (validated with fhir.resources) to iop.slot.upserted.v1."""
        try:
            event = map_slot(body, clinic_id)
        except FhirSlotError as exc:
            raise HTTPException(422, [{"loc": ["body", *exc.field.split(".")], "msg": str(exc),
                                       "type": "value_error"}]) from exc
        except ValidationError as exc:
            raise HTTPException(422, invalid_body(exc)) from exc
        return Accepted(event_ids=await commands.upsert_slot(deps, clinic_id, event))

    @app.get("/v1/patients/{patient_id}/reminders", tags=["plan"])
    async def patient_plan(patient_id: str, clinic_id: Clinic) -> list[dict[str, Any]]:
        """The patient's plan and dispatch state (ids and times only)."""
        async with deps.store.transaction() as repo:
            known, owner = await repo.patient_known(patient_id)
            if not known:
                raise HTTPException(404, "unknown patient")
            if owner not in (None, clinic_id):
                raise commands.Forbidden("patient_id")
            return await repo.reminders_of(patient_id)

    @app.get("/v1/reschedule-requests", response_model=list[PendingReschedule], tags=["plan"])
    async def pending_reschedules(clinic_id: Clinic) -> list[PendingReschedule]:
        """This clinic's held seats awaiting its confirmation, soonest to expire first: the per-clinic feed (the
        Kafka topic carries every clinic's requests, so a clinic system reads its own here)."""
        async with deps.store.transaction() as repo:
            return await repo.pending_reschedules(clinic_id)

    pool = lambda: deps.store.pool  # noqa: E731 - opened at start, after the app is built
    app.include_router(operations_router(lambda: {
        "database": database_check(pool), "kafka": kafka_check(lambda: service.broker),
        "publishing": work_check(pool, service.settings)}, registry=lambda: deps.metrics.registry))
    return app
