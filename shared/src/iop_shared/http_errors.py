"""422 answers that name the invalid fields and never repeat what was sent (it may be personal or clinical)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


async def _without_input(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    detail = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
              for e in exc.errors()]
    return JSONResponse({"detail": detail}, status_code=422)


def install_validation_errors(app: FastAPI) -> None:
    """Replace FastAPI's default 422 body (which echoes `input` and `ctx`) with field paths and messages."""
    app.add_exception_handler(RequestValidationError, _without_input)
