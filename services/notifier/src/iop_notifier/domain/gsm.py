"""GSM 03.38 (GSM-7): which text fits one SMS segment, and a lossless-enough mapping into it."""

from __future__ import annotations

import unicodedata

BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà")
EXTENDED = frozenset("^{}\\[~]|€\f")  # each costs two septets
GSM7 = BASIC | EXTENDED
SEGMENT = 160
_REPLACEMENTS = {"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "\u00a0": " "}


def is_gsm7(text: str) -> bool:
    return all(c in BASIC or c in EXTENDED for c in text)


def septets(text: str) -> int:
    """Length in GSM-7 septets (extended characters count twice)."""
    return sum(2 if c in EXTENDED else 1 for c in text)


def to_gsm7(text: str) -> str:
    """Replace characters outside GSM-7 (á, í, ó, ú, curly quotes...) so a message stays one encoding."""
    if GSM7.issuperset(text):  # the common case, once per message on the send path: nothing to replace
        return text
    out = []
    for c in text:
        c = _REPLACEMENTS.get(c, c)
        if all(ch in BASIC or ch in EXTENDED for ch in c):
            out.append(c)
            continue
        stripped = "".join(ch for ch in unicodedata.normalize("NFKD", c) if not unicodedata.combining(ch))
        out.append(stripped if stripped and all(ch in BASIC for ch in stripped) else "?")
    return "".join(out)


def fits_one_segment(text: str) -> bool:
    return is_gsm7(text) and septets(text) <= SEGMENT
