"""A patient's answer to a slot offer, and how the offered times read in their messages."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from .messages import format_when

_CHOICE = re.compile(r"^\s*(?:option\s+|opci[oó]n\s+)?([abc])\s*[.!)]*\s*$", re.IGNORECASE)
_YES = re.compile(r"^\s*(?:yes|s[ií])\s*[.!]*\s*$", re.IGNORECASE)
_OR = {"en": "or", "es": "o"}
YES = "YES"  # how a waitlist offer's one option is labelled (the event carries it as choice A)


def parse_choice(text: str) -> str | None:
    """"B", "b.", "option b" -> "B"; anything else is not a choice (and is read as any other text)."""
    m = _CHOICE.match(text)
    return m.group(1).upper() if m else None


def parse_yes(text: str) -> str | None:
    """"YES", "yes!", "sí" -> "YES" (the answer to a waitlist offer); anything else is not."""
    return YES if _YES.match(text) else None


def choices_text(labels: Sequence[str], locale: str) -> str:
    """"A, B or C" / "A o B" / "A"."""
    if len(labels) < 2:
        return "".join(labels)
    return f"{', '.join(labels[:-1])} {_OR.get(locale, 'or')} {labels[-1]}"


def variables(extra: Mapping[str, Any], zone: ZoneInfo, locale: str) -> dict[str, Any]:
    """Template variables of an offer or hold message: the times in the patient's zone, ids never shown."""
    out: dict[str, Any] = {}
    options = extra.get("options")
    if isinstance(options, list):
        out["options"] = [{"choice": o["choice"], "when": format_when(datetime.fromisoformat(o["starts_at"]),
                                                                      zone, locale)} for o in options]
        out["choices"] = choices_text([o["choice"] for o in options], locale)
    if isinstance(extra.get("slot_at"), str):
        out["slot_when"] = format_when(datetime.fromisoformat(extra["slot_at"]), zone, locale)
    return out
