"""The signed-in user from the session cookie, and the checks every POST passes (origin, then CSRF token)."""

from __future__ import annotations

import secrets
import time
from urllib.parse import urlsplit

from fastapi import HTTPException, Request, status

from ..domain.users import User, token_matches

CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


def sign_in(request: Request, user: User) -> None:
    """A fresh session (never the pre-sign-in one, against fixation) holding the user and a new CSRF token."""
    request.session.clear()
    request.session.update({"uid": user.user_id, "name": user.name, "clinics": list(user.clinics),
                            "at": int(time.time()), "csrf": secrets.token_urlsafe(32)})


def current_user(request: Request, max_age_s: float) -> User | None:
    """The session's user, or None when nobody signed in or the sign-in is older than `max_age_s`."""
    s = request.session
    uid, clinics, at = s.get("uid"), s.get("clinics"), s.get("at")
    if not isinstance(uid, str) or not isinstance(clinics, list) or not isinstance(at, int):
        return None
    if time.time() - at > max_age_s:
        request.session.clear()
        return None
    return User(uid, str(s.get("name") or uid), tuple(str(c) for c in clinics))


def seconds_left(request: Request, max_age_s: float) -> float:
    """How long the session's sign-in stays valid (0 when it has none)."""
    at = request.session.get("at")
    return max(0.0, at + max_age_s - time.time()) if isinstance(at, int) else 0.0


def csrf_token(request: Request) -> str:
    """This session's token, created on first use (the sign-in form needs one before anyone signs in)."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_origin(request: Request, public_url: str) -> None:
    """Refuse a cross-site POST: a foreign Origin, `Origin: null` (sandboxed frames, redirects) or cross-site fetch."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "cross-site request refused")
    origin = request.headers.get("origin")
    if origin is None:
        return  # not a browser's cross-site request: browsers send Origin on every cross-origin POST
    if not _same_origin(origin, request, public_url):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "cross-site request refused")


def _same_origin(origin: str, request: Request, public_url: str) -> bool:
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False  # includes "null"
    if public_url:
        expected = urlsplit(public_url)
        return (parts.scheme, parts.netloc) == (expected.scheme, expected.netloc)
    return parts.netloc == request.headers.get("host")


def check_csrf(request: Request, given: str | None) -> None:
    """The token of this session, from the header or the form field, compared in constant time."""
    if not token_matches(given, request.session.get("csrf")):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "missing or wrong CSRF token")
