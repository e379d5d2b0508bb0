"""Twilio webhook bodies: read with a bound, signature checked on the raw fields, before anything uses them."""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import HTTPException, Request
from twilio.request_validator import RequestValidator

from iop_shared.http_limits import BodyTooLarge, declared_length, read_bounded
from iop_shared.logging import get_logger

from ..settings import Settings

log = get_logger(__name__)
FORM = "application/x-www-form-urlencoded"


async def signed_form(request: Request, settings: Settings, signature: str | None) -> dict[str, str]:
    """The webhook's fields, only if X-Twilio-Signature proves Twilio sent exactly these bytes' fields.

    No multipart and no spooling: the body is read into memory up to NOTIFIER_WEBHOOK_MAX_BYTES (413 past
    it), parsed strictly with a bound on the number of fields, and only then is the signature checked.
    """
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != FORM:
        raise HTTPException(415, f"webhooks are {FORM}")
    limit = settings.webhook_max_bytes
    declared = declared_length(request.scope)
    if declared is not None and declared > limit:
        raise BodyTooLarge(limit)
    body = await read_bounded(request.receive, limit)
    fields = _parse(body, settings.webhook_max_fields)
    if not _signed(request, settings, fields, signature):
        log.warning("webhook_signature_refused", path=request.url.path)
        raise HTTPException(403, "invalid X-Twilio-Signature")
    return dict(fields)


def require_fields(form: dict[str, str], *names: str) -> None:
    """422 naming each missing webhook field, the way every other 422 names its fields."""
    missing = [name for name in names if name not in form]
    if missing:
        raise HTTPException(422, [{"loc": ["body", name], "msg": "Field required", "type": "missing"}
                                  for name in missing])


def _parse(body: bytes, max_fields: int) -> list[tuple[str, str]]:
    try:
        return parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body),
                         max_num_fields=max_fields)
    except (UnicodeDecodeError, ValueError):
        # Too many fields, bad UTF-8 or a malformed pair: nothing Twilio sends.
        raise HTTPException(400, "malformed webhook form") from None


def _signed(request: Request, settings: Settings, fields: list[tuple[str, str]], signature: str | None) -> bool:
    token = settings.twilio_auth_token
    if not (token and signature):
        return False
    url = settings.public_base_url.rstrip("/") + request.url.path
    if request.url.query:
        url += "?" + request.url.query
    # Twilio signs each field once; a repeated name would let a sender hide a second value behind the first.
    if len({name for name, _ in fields}) != len(fields):
        return False
    return bool(RequestValidator(token.get_secret_value()).validate(url, dict(fields), signature))
