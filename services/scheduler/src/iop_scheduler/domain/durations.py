"""Durations written the way people configure them: "72h", "24h", "3m", "1h30m", "7d", "45s"."""

from __future__ import annotations

import re
from datetime import timedelta

_PART = re.compile(r"(\d+(?:\.\d+)?)([dhms])")
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def parse_duration(text: str | timedelta | float | int) -> timedelta:
    """Parse "72h", "3m", "1h30m" (or a number of seconds) into a timedelta; raise ValueError otherwise."""
    if isinstance(text, timedelta):
        return text
    if isinstance(text, int | float):
        return timedelta(seconds=text)
    compact = text.strip().lower().replace(" ", "")
    if not compact or _PART.sub("", compact):
        raise ValueError(f"not a duration: {text!r} (use e.g. 72h, 24h, 3m, 1h30m, 7d)")
    total = timedelta()
    for number, unit in _PART.findall(compact):
        total += timedelta(**{_UNITS[unit]: float(number)})
    return total


def parse_durations(text: str | list[timedelta]) -> list[timedelta]:
    """A comma-separated list of durations, e.g. "72h,24h"; empty text is an empty list."""
    if isinstance(text, list):
        return [parse_duration(t) for t in text]
    return [parse_duration(part) for part in text.split(",") if part.strip()]


def format_duration(value: timedelta) -> str:
    """A compact, stable label for ids: seconds with an 's'."""
    return f"{int(value.total_seconds())}s"
