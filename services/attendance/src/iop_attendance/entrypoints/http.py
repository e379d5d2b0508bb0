"""The attendance HTTP API: attendance ingest, risk flags, dashboard reads, health and metrics."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import FastAPI, Header, HTTPException, Query, Request, status
from fastapi.responses import JSONResponse
from sse_starlette import EventSourceResponse

from iop_shared.contracts import TenantMismatch
from iop_shared.contracts.common import EntityId, TimeZoneName
from iop_shared.contracts.outbound import Severity
from iop_shared.http_errors import install_http_guards
from iop_shared.operations import database_check, kafka_check, lifespan, operations_router, work_check

from ..adapters import risk_repository as risk_repo
from ..adapters.db import connection
from ..adapters.sql import q
from ..bootstrap import Service
from ..domain import fhir
from ..handlers import commands, queries, stream
from ..handlers.context import Context
from . import experiments
from .auth import Scope
from .schemas import Accepted, AttendanceBatch, AttendanceIn, FlagAction


def create_app(service: Service) -> FastAPI:
    """The FastAPI app; its lifespan starts and stops the service (broker, relay, timers)."""

    app = FastAPI(title="IOP attendance", version="1.0.0", lifespan=lifespan(service.start, service.stop),
                  description="Attendance ingest, missed visits, relapse-risk flags and dashboard reads.")
    app.state.settings = service.settings
    app.state.service = service
    install_http_guards(app, service.settings.http_max_body_bytes)  # 413 before parsing; 422s never echo input

    def ctx() -> Context:
        assert service.ctx is not None
        return service.ctx

    pool = lambda: service.pool  # noqa: E731 - opened at start, after the app is built
    app.include_router(operations_router(lambda: {
        "database": database_check(pool), "kafka": kafka_check(lambda: service.broker),
        "publishing": work_check(pool, service.settings)}))

    async def _record(records: list[AttendanceIn], scope: str | None, *, batch: bool) -> Accepted:
        now = ctx().clock.now()
        events = [r.to_event(now) for r in records]
        if (late := commands.future_dated(events, now + ctx().future_skew)) is not None:
            loc: list[str | int] = ["body", "records", late, "recorded_at"] if batch else ["body", "recorded_at"]
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, [{
                "loc": loc, "msg": "recorded_at lies in the future", "type": "future_timestamp"}])
        try:
            clinics = await commands.clinics_of(ctx(), events, scope)
        except commands.UnknownSessionError as exc:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, [{
                "loc": ["body", "records", exc.index, "session_id"], "msg": "unknown session for this clinic",
                "type": "unknown_session"}]) from None
        except TenantMismatch as exc:
            raise HTTPException(status.HTTP_403_FORBIDDEN, exc.detail()) from None
        return Accepted(event_ids=await commands.record_attendance(ctx(), events, clinics))

    @app.post("/v1/attendance", status_code=202, response_model=Accepted, tags=["attendance"])
    async def record_one(body: AttendanceIn, scope: Scope) -> Accepted:
        """Record one attendance; published as iop.attendance.recorded.v1 and applied from the topic."""
        return await _record([body], scope, batch=False)

    @app.post("/v1/attendance/batch", status_code=202, response_model=Accepted, tags=["attendance"])
    async def record_batch(body: AttendanceBatch, scope: Scope) -> Accepted:
        """Record up to 500 attendances at once (all or none)."""
        return await _record(body.records, scope, batch=True)

    @app.get("/fhir/r4/Flag", tags=["fhir"])
    async def fhir_flags(request: Request, scope: Scope, patient: Annotated[EntityId, Query()],
                         count: Annotated[int, Query(alias="_count", ge=1, le=500)] = 100) -> JSONResponse:
        """The patient's risk flags as a FHIR R4 searchset Bundle (another clinic's patient: an empty Bundle)."""
        async with connection(ctx().pool) as conn:
            rows = await conn.fetch(q("fhir_flags"), patient, scope, count)
        resources = [fhir.flag(dict(r), json.loads(r["reasons"])) for r in rows]
        base = str(request.base_url).rstrip("/") + "/fhir/r4"
        return JSONResponse(fhir.bundle(resources, str(request.url), base), media_type="application/fhir+json")

    @app.get("/v1/flags", tags=["risk"])
    async def list_flags(scope: Scope, care_team_id: EntityId | None = None,
                         severity: Annotated[list[Severity] | None, Query()] = None,
                         limit: Annotated[int, Query(ge=1, le=500)] = 50,
                         cursor: str | None = None) -> dict[str, Any]:
        """Open and acknowledged flags, newest first; pass `next_cursor` back as `cursor` for the next page."""
        after = _parse_cursor(cursor)
        async with connection(ctx().pool) as conn:
            items = await risk_repo.list_flags(conn, care_team_id=care_team_id,
                                          severities=[s.value for s in severity] if severity else None,
                                          clinic_id=scope, after=after, limit=limit)
        nxt = f"{items[-1]['raised_at'].isoformat()}|{items[-1]['flag_id']}" if len(items) == limit else None
        return {"items": items, "next_cursor": nxt}

    @app.post("/v1/flags/{flag_id}/acknowledge", tags=["risk"])
    async def acknowledge(flag_id: EntityId, body: FlagAction, scope: Scope) -> dict[str, Any]:
        """Acknowledge an open flag; publishes iop.risk.acknowledged.v1."""
        return await _flag_command(commands.acknowledge_flag, flag_id, body, scope)

    @app.post("/v1/flags/{flag_id}/resolve", tags=["risk"])
    async def resolve(flag_id: EntityId, body: FlagAction, scope: Scope) -> dict[str, Any]:
        """Resolve a flag; publishes iop.risk.resolved.v1."""
        return await _flag_command(commands.resolve_flag, flag_id, body, scope)

    async def _flag_command(command: Any, flag_id: str, body: FlagAction, scope: str | None) -> dict[str, Any]:
        try:
            result: dict[str, Any] = await command(ctx(), flag_id, body.by, body.note, scope)
        except commands.FlagNotFoundError:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such flag") from None
        except commands.FlagStateError as exc:
            raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
        return result

    @app.get("/v1/patients/{patient_id}/timeline", tags=["dashboard"])
    async def timeline(patient_id: EntityId, scope: Scope,
                       start: Annotated[datetime | None, Query(alias="from")] = None,
                       end: Annotated[datetime | None, Query(alias="to")] = None,
                       limit: Annotated[int, Query(ge=1, le=500)] = 100,
                       offset: Annotated[int, Query(ge=0)] = 0) -> dict[str, Any]:
        """Visits (paginated), attendance rates and attended hours per week against the level-of-care minimum."""
        start_at, end_at = _period(start, end)
        result = await queries.patient_timeline(ctx(), patient_id, start_at, end_at, limit, offset, scope)
        if result is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such patient")
        return result

    @app.get("/v1/programs/{program_id}/summary", tags=["dashboard"])
    async def summary(program_id: EntityId, scope: Scope,
                      start: Annotated[datetime | None, Query(alias="from")] = None,
                      end: Annotated[datetime | None, Query(alias="to")] = None,
                      timezone: TimeZoneName = "UTC", limit: Annotated[int, Query(ge=1, le=200)] = 52,
                      offset: Annotated[int, Query(ge=0)] = 0) -> dict[str, Any]:
        """Attendance and no-show rates for the period, by session kind and by week (weeks paginated)."""
        start_at, end_at = _period(start, end)
        return await queries.program_summary(ctx(), program_id, start_at, end_at, timezone, limit, offset, scope)

    @app.get("/v1/events/stream", tags=["dashboard"], response_class=EventSourceResponse)
    async def event_stream(request: Request, scope: Scope,
                           last_event_id: Annotated[str | None, Header()] = None) -> EventSourceResponse:
        """Server-sent events: visit.missed/retracted, risk flagged/acknowledged/resolved, attendance recorded."""
        start = stream.parse_last_event_id(last_event_id)
        return EventSourceResponse(stream.events(ctx(), scope, start=start, stopped=request.is_disconnected),
                                   ping=15)

    app.include_router(experiments.router(service))
    return app


def _period(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
    """Defaults to the last 12 weeks; naive times are read as UTC."""
    end_at = (end or datetime.now(UTC) + timedelta(days=1))
    end_at = end_at if end_at.tzinfo else end_at.replace(tzinfo=UTC)
    start_at = start or end_at - timedelta(weeks=12)
    start_at = start_at if start_at.tzinfo else start_at.replace(tzinfo=UTC)
    if start_at >= end_at:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, [{
            "loc": ["query", "from"], "msg": "from must be before to", "type": "value_error"}])
    return start_at, end_at


def _parse_cursor(cursor: str | None) -> tuple[datetime, str] | None:
    if cursor is None:
        return None
    try:
        at, flag_id = cursor.split("|", 1)
        return datetime.fromisoformat(at), flag_id
    except ValueError:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, [{
            "loc": ["query", "cursor"], "msg": "invalid cursor", "type": "value_error"}]) from None
