"""A care-team member's text answer to a page: `ACK`, `ACK <code>` or the bare code the page carried."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

# No 0/O or 1/I/L: a code is read off a phone screen and typed back by hand.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_DIGITS = "23456789"
CODE_LENGTH = 4
_ACK = re.compile(r"^\s*(?:ack(?:nowledged?)?)?\s*([a-z2-9]{4})?\s*[.!]*\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class AckReply:
    """What the member answered: a code names one page; None means their latest open one."""

    code: str | None


def ack_code(flag_id: str) -> str:
    """The short code of an alert: stable, so every page of one alert carries the same code."""
    n = int.from_bytes(hashlib.sha256(flag_id.encode()).digest()[:8], "big")
    n, first = divmod(n, len(_DIGITS))
    chars = [_DIGITS[first]]  # a digit first: a bare code never reads as a word
    for _ in range(CODE_LENGTH - 1):
        n, r = divmod(n, len(_ALPHABET))
        chars.append(_ALPHABET[r])
    return "".join(chars)


def parse_ack(text: str) -> AckReply | None:
    """The acknowledgement in `text`, or None when it is not one (then the text is read as any other)."""
    m = _ACK.match(text)
    if m is None:
        return None
    code = m.group(1)
    has_word = bool(re.match(r"^\s*ack", text, re.IGNORECASE))
    if code is None:
        return AckReply(None) if has_word else None
    code = code.upper()
    if any(c not in _ALPHABET for c in code):
        return None
    if not has_word and not any(c.isdigit() for c in code):
        return None  # a bare four-letter word ("okay", "sure") is not a code
    return AckReply(code)
