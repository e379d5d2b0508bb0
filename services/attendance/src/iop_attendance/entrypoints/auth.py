"""Bearer tokens per clinic: a token names the one clinic it may read and write ("*" = every clinic)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from iop_shared.bearer import require_token

from ..settings import Settings

ALL_CLINICS = "*"
bearer = HTTPBearer(auto_error=False)


def clinic_scope(request: Request,
                 _: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> str | None:
    """The caller's clinic id, or None for every clinic; 401 without a known token (HTTPBearer documents it)."""
    settings: Settings = request.app.state.settings
    if not settings.api_tokens and settings.environment == "development":
        return None  # no tokens configured on a developer machine: open
    clinic_id = require_token(request, [(token.get_secret_value(), clinic)
                                        for clinic, token in settings.api_tokens.items()])
    return None if clinic_id == ALL_CLINICS else clinic_id


Scope = Annotated[str | None, Depends(clinic_scope)]
