"""Bearer tokens per clinic: a token names the one clinic it may read and write ("*" = every clinic)."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..settings import Settings

ALL_CLINICS = "*"
bearer = HTTPBearer(auto_error=False)


def clinic_scope(request: Request,
                 creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> str | None:
    """The caller's clinic id, or None for every clinic; 401 without a known token."""
    settings: Settings = request.app.state.settings
    if not settings.api_tokens and settings.environment == "development":
        return None  # no tokens configured on a developer machine: open
    if creds is not None:
        for clinic_id, token in settings.api_tokens.items():
            if hmac.compare_digest(creds.credentials.encode(), token.get_secret_value().encode()):
                return None if clinic_id == ALL_CLINICS else clinic_id
    raise HTTPException(status.HTTP_401_UNAUTHORIZED, "a valid bearer token is required",
                        headers={"WWW-Authenticate": "Bearer"})


Scope = Annotated[str | None, Depends(clinic_scope)]
