"""Who is signed in and which clinics they see; password and claim checks without I/O."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_ENTITY_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
_DUMMY = b"a password nobody has, compared so an unknown user takes as long as a known one"


@dataclass(frozen=True)
class User:
    """A signed-in staff member: an id (recorded on flag actions), a display name and their clinics."""

    user_id: str
    name: str
    clinics: tuple[str, ...]

    def sees(self, clinic_id: str | None) -> bool:
        return clinic_id is not None and clinic_id in self.clinics


def password_matches(given: str, expected: str | None) -> bool:
    """Constant-time comparison; an unknown user (expected None) compares against a dummy and fails."""
    if expected is None:
        hmac.compare_digest(given.encode(), _DUMMY)
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def token_matches(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison of a CSRF token; nothing matches a missing token."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def clinics_from_claims(claims: Mapping[str, Any], claim: str) -> tuple[str, ...]:
    """The clinics an identity provider names: a list of ids, or one string of ids separated by spaces or commas."""
    value = claims.get(claim)
    if isinstance(value, str):
        items = value.replace(",", " ").split()
    elif isinstance(value, list | tuple):
        items = [v for v in value if isinstance(v, str)]
    else:
        items = []
    return tuple(sorted({i.strip() for i in items if i.strip()}))


def user_id_from_subject(sub: str) -> str:
    """The id recorded on actions: the OIDC `sub` itself when it is a valid entity id, else a stable digest of it
    (e.g. `auth0|...` holds a character the services' ids refuse)."""
    if _ENTITY_ID.match(sub):
        return sub
    return "sub:" + hashlib.sha256(sub.encode()).hexdigest()[:40]
