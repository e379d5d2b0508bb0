"""One bearer-token check for every API: constant-time over UTF-8 bytes, 401 (never 500) for any malformed header."""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from typing import TypeVar

from fastapi import HTTPException, Request, status

T = TypeVar("T")
CHALLENGE = {"WWW-Authenticate": "Bearer"}


def unauthorized(message: str = "a valid bearer token is required") -> HTTPException:
    """The 401 every API answers for a missing, malformed or unknown token."""
    return HTTPException(status.HTTP_401_UNAUTHORIZED, message, headers=CHALLENGE)


def presented_token(authorization: str | None) -> bytes | None:
    """The token of `Bearer <token>` as UTF-8 bytes; None when absent, another scheme or not decodable."""
    if not authorization:
        return None
    try:
        # ASGI servers hand headers over as latin-1: back to the raw bytes, which must be UTF-8.
        text = authorization.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return None
    scheme, _, token = text.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or any(c.isspace() for c in token):
        return None
    return token.encode("utf-8")


def match_token(authorization: str | None, tokens: Iterable[tuple[str, T]],
                message: str = "a valid bearer token is required") -> T:
    """What the presented token stands for among (token, value) pairs; 401 when none matches."""
    presented = presented_token(authorization)
    found: list[T] = []
    for token, value in tokens:
        # Every candidate is compared, so the time taken does not tell which one (or whether any) matched.
        if hmac.compare_digest(presented or b"\0", token.encode("utf-8")) and presented is not None:
            found.append(value)
    if not found:
        raise unauthorized(message)
    return found[0]


def require_token(request: Request, tokens: Iterable[tuple[str, T]],
                  message: str = "a valid bearer token is required") -> T:
    """match_token on the request's Authorization header."""
    return match_token(request.headers.get("authorization"), tokens, message)
