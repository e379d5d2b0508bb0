"""422 answers that name the invalid fields and never repeat what was sent (it may be personal or clinical)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from .http_limits import DEFAULT_MAX_BODY_BYTES, BodyLimit


def field_errors(errors: Sequence[Any], prefix: Sequence[str | int] = ()) -> list[dict[str, Any]]:
    """Each error as loc, msg and type only: pydantic's `input` and `ctx` (the value sent) are dropped."""
    return [{"loc": [*prefix, *e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in errors]


def invalid_body(exc: ValidationError, prefix: Sequence[str | int] = ("body",)) -> list[dict[str, Any]]:
    """A model's ValidationError as a 422 detail naming the fields under `prefix`."""
    return field_errors(exc.errors(include_input=False, include_url=False, include_context=False), prefix)


async def _without_input(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse({"detail": field_errors(exc.errors())}, status_code=422)


async def _model_invalid(_: Request, exc: Exception) -> JSONResponse:
    # A model built inside a handler (an event from a request) failed: the request's body was invalid.
    assert isinstance(exc, ValidationError)
    return JSONResponse({"detail": invalid_body(exc)}, status_code=422)


def install_validation_errors(app: FastAPI) -> None:
    """Replace FastAPI's default 422 body (which echoes `input` and `ctx`) with field paths and messages."""
    app.add_exception_handler(RequestValidationError, _without_input)
    app.add_exception_handler(ValidationError, _model_invalid)


def install_http_guards(app: FastAPI, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
    """What every service's API gets: bodies bounded before parsing (413) and 422s without the input."""
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    install_validation_errors(app)
