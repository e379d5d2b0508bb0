"""Field types and the base model every wire contract shares."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, PlainSerializer


def check_e164(value: str) -> str:
    """The value if it is an E.164 phone number; ValueError otherwise."""
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as exc:
        raise ValueError("phone must be E.164, e.g. +15551234567") from exc
    formatted = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if formatted != value or not phonenumbers.is_possible_number(parsed):
        raise ValueError("phone must be E.164, e.g. +15551234567")
    return value


def _check_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError("unknown IANA time zone") from exc  # the value is not repeated back
    return value


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


E164 = Annotated[str, AfterValidator(check_e164)]
"""A phone number in E.164 form."""

TimeZoneName = Annotated[str, AfterValidator(_check_zone)]
"""An IANA time zone name."""

Timestamp = Annotated[AwareDatetime, AfterValidator(_to_utc), PlainSerializer(_rfc3339, return_type=str)]
"""RFC 3339 with an offset on the wire; UTC inside."""

EntityId = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:\-]+$")]
"""An opaque id chosen by the publisher."""

INT64_MAX = 2**63 - 1

Revision = Annotated[int, Field(ge=0, le=INT64_MAX)]
"""A revision that only grows: a non-negative int64 (what every service's bigint column holds)."""


class Contract(BaseModel):
    """Base of every event payload: immutable, unknown fields ignored (additive changes within v1)."""

    model_config = ConfigDict(extra="ignore", frozen=True, str_strip_whitespace=True)
