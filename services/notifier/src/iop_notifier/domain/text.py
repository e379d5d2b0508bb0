"""Text folding and fuzzy word matching shared by the reply parser and the crisis detector."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from functools import lru_cache

_REPEATS = re.compile(r"(.)\1+")
_STRETCHED = re.compile(r"(.)\1\1")


def normalize(text: str) -> str:
    """Lowercase, accents removed, punctuation to spaces (hyphens and apostrophes dropped), single spaces."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))
    folded = re.sub(r"['’`-]", "", folded)
    return " ".join(re.sub(r"[^a-z0-9ñ]+", " ", folded).split())


def squeeze(word: str) -> str:
    """Runs of one letter to one ("dieeee" -> "die", "killl" -> "kil"): stretched words still match."""
    return _REPEATS.sub(r"\1", word)


@lru_cache(maxsize=1 << 16)  # pure, and the same word pairs recur across phrases and replies
def within(word: str, target: str, shortest: int = 5) -> bool:
    """Exact (or equal once letters stretched 3+ times are squeezed) for short words; one edit from `shortest` letters,
    two for 9+. Transpositions count as one edit.

    The first letter must match: typos there are rare, and it keeps "bills" away from "pills".
    """
    if word == target:
        return True
    if not word or word[0] != target[0]:
        return False
    # A stretched word ("dieeee", "yess") reads as its target; a target's own double letter must be typed ("of"
    # is not "off"), unless the word is stretched on purpose ("killl").
    if squeeze(word) == squeeze(target) and (_STRETCHED.search(word) or squeeze(target) == target):
        return True
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


def expand(tokens: Sequence[str], textspeak: Mapping[str, str]) -> list[str]:
    """Text-speak spelled out ("u" -> "you", "wanna" -> "want to"), stretched letters kept for `within`."""
    out: list[str] = []
    for token in tokens:
        # Squeezed only when stretched on purpose (3+ repeats: "wannnna"); "odd" must not become "od".
        key = squeeze(token) if _STRETCHED.search(token) else token
        out.extend(textspeak.get(token, textspeak.get(key, token)).split())
    return out


def find_phrase(tokens: Sequence[str], phrase: Sequence[str], fillers: frozenset[str], *, fuzzy: bool = True,
                real_words: frozenset[str] = frozenset(), start_at: int = 0) -> int:
    """Index where `phrase` starts in `tokens` (fuzzy words, filler words such as "just" skipped), or -1.

    `fuzzy=False` matches words exactly: idioms are set aside only when they are certain ("me mata" must not
    swallow "me mato"). `real_words` are never read as typos ("contarme" is not "cortarme").
    """

    def same(a: str, b: str) -> bool:
        return a == b or (fuzzy and a not in real_words and within(a, b, 4))

    first = phrase[0][:1]
    for start in range(start_at, len(tokens) - len(phrase) + 1):
        if tokens[start][:1] != first:  # every match keeps its first letter: skip the rest cheaply
            continue
        i = start
        for k, word in enumerate(phrase):
            while k > 0 and i < len(tokens) and tokens[i] in fillers and not same(tokens[i], word):
                i += 1
            if i >= len(tokens) or not same(tokens[i], word):
                break
            i += 1
        else:
            return start
    return -1


def join_spelled(tokens: list[str]) -> list[str]:
    """Words spelled out letter by letter ("d i e", "k i l l") joined back into one."""
    out: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if len(token) == 1 and token.isalpha():
            run.append(token)
            continue
        out.extend(["".join(run)] if len(run) >= 3 else run)
        run = []
        if token:
            out.append(token)
    return out
