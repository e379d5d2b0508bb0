"""Reads a patient's reply: crisis first (recall over precision), then keywords, digits and plain words.

Pure and tolerant of case, spacing, accents and small misspellings; English and Spanish.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from iop_shared.contracts.outbound import CheckinIntent

from .lexicon import (
    CONFIRM_PHRASES,
    CRAVING_WORDS,
    CRISIS_EXACT,
    CRISIS_PHRASES,
    CRISIS_WORDS,
    HELP_KEYWORDS,
    MOOD_WORDS,
    OPT_IN_KEYWORDS,
    OPT_OUT_KEYWORDS,
    OPT_OUT_LEADS,
    OPT_OUT_PHRASES,
    RESCHEDULE_PHRASES,
)


class Expecting(StrEnum):
    """What the last message asked, which gives digits their meaning."""

    reminder = "reminder"  # 1 confirm, 2 reschedule
    mood = "mood"  # a 0-10 score
    craving = "craving"


@dataclass(frozen=True)
class ParsedReply:
    intent: CheckinIntent
    value: int | None = None


_NUMBER = re.compile(r"(?<![\d])(\d{1,2})(?![\d])")
_OUT_OF_TEN = re.compile(r"\b(\d{1,2})\s*(?:/|out of|de)\s*10\b", re.IGNORECASE)  # "7/10", "7 out of 10"


def normalize(text: str) -> str:
    """Lowercase, accents removed, punctuation to spaces (hyphens and apostrophes dropped), single spaces."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))
    folded = re.sub(r"['’`-]", "", folded)
    return " ".join(re.sub(r"[^a-z0-9ñ]+", " ", folded).split())


def within(word: str, target: str, shortest: int = 5) -> bool:
    """Exact for short words; one edit from `shortest` letters (5 alone, 4 in a phrase), two for 9+.

    Transpositions count as one edit.

    The first letter must match: typos there are rare, and it keeps "bills" away from "pills".
    """
    if word == target:
        return True
    if not word or word[0] != target[0]:
        return False
    allowed = 2 if len(target) >= 9 else 1 if len(target) >= shortest else 0
    return allowed > 0 and abs(len(word) - len(target)) <= allowed and _distance(word, target) <= allowed


def _distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Damerau-Levenshtein without repeated edits)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _has_phrase(tokens: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(all(within(tokens[i + k], phrase[k], 4) for k in range(n)) for i in range(len(tokens) - n + 1))


def is_crisis(norm: str) -> bool:
    tokens = norm.split()
    if any(t in CRISIS_EXACT for t in tokens) or any(within(t, w) for t in tokens for w in CRISIS_WORDS):
        return True
    squashed = norm.replace(" ", "")
    for phrase in CRISIS_PHRASES:
        if _has_phrase(tokens, phrase):
            return True
        joined = "".join(phrase)
        if len(joined) >= 10 and joined in squashed:  # "killmyself", "wanttodie" typed without spaces
            return True
    return False


def _keyword(norm: str, keywords: frozenset[str]) -> bool:
    return norm in keywords or norm.replace(" ", "") in keywords


def _score(norm: str, expecting: Expecting | None) -> ParsedReply | None:
    numbers = [int(n) for n in _NUMBER.findall(norm)]
    if len(numbers) != 1 or numbers[0] > 10:
        return None
    value = numbers[0]
    tokens = norm.split()
    if any(within(t, w) for t in tokens for w in CRAVING_WORDS):
        return ParsedReply(CheckinIntent.craving, value)
    if any(within(t, w) for t in tokens for w in MOOD_WORDS):
        return ParsedReply(CheckinIntent.mood, value)
    if expecting in (Expecting.mood, Expecting.craving):
        return ParsedReply(CheckinIntent(expecting.value), value)
    if norm == "1":
        return ParsedReply(CheckinIntent.confirm)
    if norm == "2":
        return ParsedReply(CheckinIntent.reschedule_request)
    return None


def parse_reply(text: str, expecting: Expecting | None = Expecting.reminder, *,
                opted_out: bool = False) -> ParsedReply:
    """The intent (and score) of one reply; `opted_out` lets YES mean opt back in rather than confirm."""
    norm = normalize(_OUT_OF_TEN.sub(r"\1", text))
    if not norm:
        return ParsedReply(CheckinIntent.other)
    if is_crisis(norm):
        return ParsedReply(CheckinIntent.crisis)
    first = norm.split()[0]
    if _keyword(norm, OPT_OUT_KEYWORDS) or (first in OPT_OUT_LEADS and len(norm.split()) <= 4) or any(
            _has_phrase(norm.split(), p) for p in OPT_OUT_PHRASES):
        return ParsedReply(CheckinIntent.opt_out)
    if _keyword(norm, OPT_IN_KEYWORDS) and (opted_out or norm not in {"yes", "si"}):
        return ParsedReply(CheckinIntent.opt_in)
    if _keyword(norm, HELP_KEYWORDS):
        return ParsedReply(CheckinIntent.help)
    scored = _score(norm, expecting)
    if scored is not None:
        return scored
    tokens = norm.split()
    if any(_has_phrase(tokens, p) for p in RESCHEDULE_PHRASES):
        return ParsedReply(CheckinIntent.reschedule_request)
    if any(_has_phrase(tokens, p) for p in CONFIRM_PHRASES):
        return ParsedReply(CheckinIntent.confirm)
    return ParsedReply(CheckinIntent.other)
