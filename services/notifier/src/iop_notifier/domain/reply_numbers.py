"""Numbers in a folded reply for the parser: which tokens are numbers, which name or count things, which score."""

from __future__ import annotations

from iop_shared.contracts.outbound import CheckinIntent

from . import lexicon as L
from .text import within

_NONE: frozenset[str] = frozenset()


def numbers(tokens: list[str], times: bool) -> list[tuple[int, int, bool]]:
    """(position, value, written as a word) of each number in the reply; `times` drops clock times ("a las 9")."""
    found = []
    for i, t in enumerate(tokens):
        if times and i and tokens[i - 1] in L.TIME_LEADS:
            continue
        if t.isdigit() and len(t) <= 2:
            found.append((i, int(t), False))
        elif t in L.NUMBER_WORDS:
            found.append((i, L.NUMBER_WORDS[t], True))
    return found


def names_or_counts(tokens: list[str], at: int) -> bool:
    """The digit at `at` names a place ("room 2") or counts something ("2 of my kids"): no answer."""
    after = tokens[at + 1] if at + 1 < len(tokens) else ""
    return (at > 0 and tokens[at - 1] in L.NUMBERED_PLACES) or after in L.COUNTED


def score_kind(others: list[str], expecting: str | None) -> CheckinIntent | None:
    """Mood or craving, from a word beside the number or else from the prompt (`expecting`, an Expecting value)."""
    if any(within(t, w) for t in others for w in L.CRAVING_WORDS):
        return CheckinIntent.craving
    loose = L.LOOSE_MOOD_WORDS if expecting == "craving" else _NONE  # "0 feeling strong" after a craving prompt
    if any(within(t, w) for t in others for w in L.MOOD_WORDS - loose):
        return CheckinIntent.mood
    if expecting in ("mood", "craving"):
        return CheckinIntent(expecting)
    return None
