"""What every service's HTTP app shares: the lifespan that starts and stops it, and the operations routes
(/healthz, /readyz in one shape, /metrics)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import asyncpg
from aiokafka.errors import KafkaError
from fastapi import APIRouter, FastAPI, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from pydantic import BaseModel

from .health import readiness
from .logging import get_logger
from .settings import BaseServiceSettings

log = get_logger("iop.operations")
Check = Callable[[], Awaitable[bool]]
CHECK_TIMEOUT_S = 3.0


class ReadinessReport(BaseModel):
    """The answer of /readyz: ready when every named check passed (200), else 503."""

    ready: bool
    checks: dict[str, bool]


def lifespan(start: Callable[[], Awaitable[object]], stop: Callable[[], Awaitable[object]],
             ) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """A FastAPI lifespan that starts the service before the first request and stops it after the last."""
    @asynccontextmanager
    async def run(_: FastAPI) -> AsyncIterator[None]:
        await start()
        try:
            yield
        finally:
            await stop()
    return run


def operations_router(checks: Callable[[], Mapping[str, Check]],
                      registry: Callable[[], CollectorRegistry] = lambda: REGISTRY) -> APIRouter:
    """/healthz (the process answers), /readyz (each check, none raising, each bounded), /metrics."""
    router = APIRouter(tags=["operations"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", response_model=ReadinessReport)
    async def readyz(response: Response) -> ReadinessReport:
        named = checks()
        results = await asyncio.gather(*(_passes(name, check) for name, check in named.items()))
        report = ReadinessReport(ready=all(results), checks=dict(zip(named, results, strict=True)))
        response.status_code = 200 if report.ready else 503
        return report

    @router.get("/metrics")
    async def metrics() -> Response:
        return Response(generate_latest(registry()), media_type=CONTENT_TYPE_LATEST)

    return router


async def _passes(name: str, check: Check) -> bool:
    try:
        return bool(await asyncio.wait_for(check(), CHECK_TIMEOUT_S))
    except Exception as exc:
        log.warning("readiness_check_failed", check=name, error=type(exc).__name__)
        return False


def database_check(pool: Callable[[], asyncpg.Pool | None]) -> Check:
    """The service's database answers a query."""
    async def check() -> bool:
        current = pool()
        return current is not None and await current.fetchval("SELECT true") is True
    return check


def kafka_check(broker: Callable[[], Any]) -> Check:
    """The broker answers (a service started without Kafka passes)."""
    async def check() -> bool:
        current = broker()
        if current is None:
            return True
        try:
            return bool(await current.ping(timeout=2.0))
        except KafkaError:
            return False
    return check


def work_check(pool: Callable[[], asyncpg.Pool | None], settings: BaseServiceSettings, *,
               outbox: bool = True) -> Check:
    """The outbox is publishing (when the service has one) and no consumer is stuck on one offset."""
    async def check() -> bool:
        current = pool()
        return current is not None and (await readiness(current, settings, outbox=outbox)).ready
    return check
