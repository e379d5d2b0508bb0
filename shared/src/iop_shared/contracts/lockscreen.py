"""Lock-screen safety of clinic-supplied text: no clinical word may reach a patient's SMS or email.

The vocabulary lives in clinical_vocabulary.json (English and Spanish), shared with the notifier's template tests.
Matching is whole-word, case- and accent-insensitive, with plural forms; stems (`psychiatr*`) match any ending.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, HttpUrl

VOCABULARY_FILE = Path(__file__).with_name("clinical_vocabulary.json")
REFUSAL = "contains a clinical word; patient messages show this text on a locked phone"


def fold(text: str) -> str:
    """Lower case without accents or compatibility forms: 'Adicción' and 'ＡＤＩＣＣＩＯＮ' both become 'adiccion'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@cache
def vocabulary() -> dict[str, tuple[str, ...]]:
    """Locale -> its clinical words, as written in the data file."""
    data = json.loads(VOCABULARY_FILE.read_text(encoding="utf-8"))
    return {locale: tuple(words) for locale, words in data.items() if isinstance(words, list)}


def _term_pattern(term: str) -> str:
    stem = term.endswith("*")
    words = fold(term.rstrip("*")).split()
    body = r"[\s\-_./]+".join(re.escape(w) for w in words)  # "mental-health", "mental  health"
    return rf"\b{body}\w*" if stem else rf"\b{body}(?:s|es)?\b"


@cache
def _pattern() -> re.Pattern[str]:
    terms = sorted({t for words in vocabulary().values() for t in words}, key=len, reverse=True)
    return re.compile("|".join(_term_pattern(t) for t in terms))


def clinical_terms(text: str) -> list[str]:
    """The clinical words a text contains (folded), in order; empty when the text is lock-screen safe."""
    return [m.group(0) for m in _pattern().finditer(fold(text))]


def lock_screen_safe(value: str) -> str:
    """A pydantic validator: refuse clinic text with a clinical word, never repeating the text."""
    if clinical_terms(value):
        raise ValueError(REFUSAL)
    return value


LockScreenText = Annotated[str, AfterValidator(lock_screen_safe)]

LINK_REFUSAL = "its host, path or query contains a clinical word; patient messages show this link on a locked phone"
_RUN_TOGETHER_MIN = 5  # shorter words ("iop", "drug") only count as whole words: too many hosts contain them


def link_terms(url: str) -> list[str]:
    """The clinical words in a link's host, path or query (as words, or run together as hosts and paths write
    them: "mindrehab.example", "/addictioncare"); empty when the link is lock-screen safe."""
    parts = urlsplit(url)
    shown = " ".join((parts.hostname or "", parts.path, parts.query))
    found = clinical_terms(re.sub(r"[^\w]+", " ", shown))
    squashed = fold(parts.hostname or "") + " " + fold(parts.path)
    for words in vocabulary().values():
        for term in words:
            bare = fold(term.rstrip("*")).replace(" ", "")
            if len(bare) >= _RUN_TOGETHER_MIN and bare in squashed:
                found.append(bare)
    return found


def lock_screen_safe_link(value: HttpUrl) -> HttpUrl:
    """A pydantic validator: refuse a link with a clinical word in it, never repeating the link."""
    if link_terms(str(value)):
        raise ValueError(LINK_REFUSAL)
    return value


LockScreenLink = Annotated[HttpUrl, AfterValidator(lock_screen_safe_link)]
