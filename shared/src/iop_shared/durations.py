"""One way to write a duration in every service's settings: 90s, 15m, 72h, 7d, 1h30m, PT15M, or seconds.

The compact forms are read by pytimeparse; ISO 8601 (PT15M, P1D) by pydantic; a bare number is seconds, so the
notifier's `*_S` settings written as numbers keep their meaning. A negative duration is refused.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Annotated

from pydantic import BeforeValidator, TypeAdapter, ValidationError
from pydantic_settings import NoDecode
from pytimeparse.timeparse import timeparse as parse_expression

__all__ = ["Duration", "Durations", "Seconds", "parse_duration", "parse_durations"]

_ISO = TypeAdapter(timedelta)
_HINT = "not a duration (write e.g. 90s, 15m, 72h, 7d, 1h30m, PT15M, or a number of seconds)"


def parse_duration(value: str | timedelta | float | int) -> timedelta:
    """The duration `value` names; ValueError (without echoing it) when it names none or a negative one."""
    if isinstance(value, bool):
        raise ValueError(_HINT)
    if isinstance(value, timedelta):
        duration = value
    elif isinstance(value, int | float):
        duration = _seconds(float(value))
    else:
        duration = _from_text(value.strip())
    if duration < timedelta(0):
        raise ValueError("a duration is never negative")
    return duration


def parse_durations(value: str | list[timedelta] | list[str]) -> list[timedelta]:
    """A comma-separated list of durations, e.g. "72h,24h"; empty text is an empty list."""
    parts = value.split(",") if isinstance(value, str) else value
    return [parse_duration(p) for p in parts if not isinstance(p, str) or p.strip()]


def _seconds(number: float) -> timedelta:
    if not math.isfinite(number) or abs(number) > timedelta.max.total_seconds():
        raise ValueError(_HINT)
    return timedelta(seconds=number)


def _from_text(text: str) -> timedelta:
    try:
        return _seconds(float(text))
    except ValueError:
        pass
    seconds = parse_expression(text)
    if seconds is not None:
        return _seconds(float(seconds))
    if text[:1] in "Pp":
        try:
            return _ISO.validate_python(text.upper())
        except ValidationError:
            pass
    raise ValueError(_HINT)


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
"""A setting that is a duration, written in any of the forms above."""

Durations = Annotated[list[timedelta], NoDecode, BeforeValidator(parse_durations)]
"""A setting that is a comma-separated list of durations."""

Seconds = Annotated[float, BeforeValidator(lambda v: parse_duration(v).total_seconds())]
"""A duration kept as float seconds (the notifier's `*_s` settings), written in any of the forms above."""
