"""503 (Retry-After) instead of 500 while PostgreSQL is down or restarting, so Twilio retries the webhook.

Every webhook applies its effects in one transaction, so an answer of 503 means nothing was kept and the
retry applies it once.
"""

from __future__ import annotations

import asyncpg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from iop_shared.logging import get_logger

log = get_logger(__name__)
_PG = asyncpg.exceptions
DATABASE_AWAY: tuple[type[Exception], ...] = (
    OSError, TimeoutError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError, asyncpg.InternalClientError,
    _PG.AdminShutdownError, _PG.CannotConnectNowError, _PG.CrashShutdownError, _PG.TooManyConnectionsError,
    _PG.ReadOnlySQLTransactionError,
)


def add_unavailable_handler(app: FastAPI) -> None:
    """Answer 503 for a database that is away; every other error stays a 500."""

    async def unavailable(request: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, asyncpg.InternalClientError) and "another operation" not in str(exc):
            log.exception("internal_client_error", path=request.url.path)
            return JSONResponse({"detail": "internal error"}, status_code=500)
        log.warning("database_unavailable", path=request.url.path, error=type(exc).__name__)
        return JSONResponse({"detail": "database unavailable, retry later"}, status_code=503,
                            headers={"Retry-After": "5"})

    for kind in DATABASE_AWAY:
        app.add_exception_handler(kind, unavailable)
