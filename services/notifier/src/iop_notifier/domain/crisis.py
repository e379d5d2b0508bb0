"""Crisis and concern reading of one text, from the versioned lexicon (lexicons/crisis.yaml).

Recall first: any un-negated hit in any language is a crisis. A hit is read as `concern` (a person still reads
it) only when a negation cue right before it ("not suicidal") or a distant-past cue in its clause ("last year i
tried to overdose") says so; a third person ("my friend wants to kill herself") never lowers it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from .crisis_lexicon import Compiled, compiled
from .text import expand, find_phrase, join_spelled, normalize, within

_CLAUSES = re.compile(r"[.;!?¿¡\n,:]+| - ")
# "od'd" would fold to the English word "odd": spelled out before folding. Plain "odd" stays odd.
_REWRITES = ((re.compile(r"\bod(['’]d|['’]?ed)\b"), " overdosed "), (re.compile(r"\bod['’]ing\b"), " overdosing "))
_NEGATION_WINDOW = 3
_YEAR = re.compile(r"(19|20)\d\d")  # "i attempted in 2019": a distant past, read by a person
_MEANS_WINDOW = 4
_BREAKERS = frozenset({"i", "im", "ive", "id", "ill", "and", "but", "so", "then", "because", "also", "y", "pero",
                       "yo", "porque", "pues", "aunque", "_"})
MASK = "_"


class Level(StrEnum):
    none = "none"
    concern = "concern"
    crisis = "crisis"


@dataclass(frozen=True)
class Reading:
    """How worrying a text is, with the lexicon categories that said so (never the text itself)."""

    level: Level
    reasons: tuple[str, ...] = ()
    figurative: bool = False  # an idiom such as "dying to see you" was recognised and set aside


def clause_tokens(text: str, lex: Compiled) -> list[list[str]]:
    """Each clause as folded, text-speak-expanded tokens (the pill emoji reads as "pills", the skull as "dead")."""
    lowered = text.lower()
    for emoji in lex.medication_emoji:
        lowered = lowered.replace(emoji, " pills ")
    for emoji, word in lex.emoji_words.items():
        lowered = lowered.replace(emoji, f" {word} ")
    for pattern, replacement in _REWRITES:
        lowered = pattern.sub(replacement, lowered)
    return [t for t in (expand(join_spelled(normalize(c).split()), lex.textspeak) for c in _CLAUSES.split(lowered))
            if t]


def _mask_idioms(tokens: list[str], lex: Compiled) -> bool:
    found = False
    for idiom in lex.idioms:
        while (at := find_phrase(tokens, idiom, frozenset(), fuzzy=False)) >= 0:
            tokens[at:at + len(idiom)] = [MASK] * len(idiom)
            found = True
    return found


def _hits(tokens: list[str], lex: Compiled, adherent: bool) -> list[tuple[str, int, int]]:
    """(category, first token, end token) of every crisis hit in one clause."""
    hits: list[tuple[str, int, int]] = []
    for category, phrase in lex.phrases:
        at = find_phrase(tokens, phrase, lex.fillers, real_words=lex.real_words)
        if at < 0 and len(joined := "".join(phrase)) >= 8 and _unspaced(tokens, joined, lex.real_words):
            hits.append((category, 0, 0))
        while at >= 0:  # every occurrence: a negated first one must not hide a plain second one
            hits.append((category, at, at + len(phrase)))
            at = find_phrase(tokens, phrase, lex.fillers, real_words=lex.real_words, start_at=at + 1)
    for i, token in enumerate(tokens):
        if token in lex.exact or token in lex.lethal or (
                token not in lex.real_words and any(within(token, w) for w in lex.fuzzy)):
            hits.append(("means_or_word", i, i + 1))
        elif token in lex.medication and not adherent and _with_quantity(tokens, i, lex):
            hits.append(("method_intent", i, i + 1))
    text = " ".join(tokens)
    for pattern in lex.patterns:
        for match in pattern.finditer(text):
            at = text.count(" ", 0, match.start())
            hits.append(("pattern", at, at + 1))
    return hits


def _unspaced(tokens: list[str], joined: str, real_words: frozenset[str]) -> bool:
    """A phrase typed with its spaces moved or missing ("killmyself", "killmyslef", "kill my self")."""
    if any(joined in t or (t not in real_words and within(t, joined)) for t in tokens if len(t) >= len(joined) - 2):
        return True
    return any("".join(tokens[i:i + k]) == joined for k in (2, 3, 4) for i in range(len(tokens) - k + 1))


def _with_quantity(tokens: list[str], i: int, lex: Compiled) -> bool:
    near = tokens[max(0, i - _MEANS_WINDOW):i + _MEANS_WINDOW + 1]
    return any(t in lex.quantity or (t.isdigit() and int(t) >= 10) for t in near)


def _pill_emoji_crisis(text: str, lex: Compiled) -> bool:
    """Several pill emoji, or one beside a death or despair emoji ("💀💊")."""
    pills = sum(text.count(e) for e in lex.medication_emoji)
    return pills >= 2 or (pills == 1 and any(e in text for e in lex.with_medication_emoji))


def _past(tokens: list[str], lex: Compiled) -> bool:
    """A distant-past cue in the clause ("years ago", "el año pasado", "in 2019"), and nothing saying now."""
    if any(find_phrase(tokens, p, frozenset()) >= 0 for p in lex.present):
        return False  # "since last year i want to die every day" is now
    if any(find_phrase(tokens, p, frozenset()) >= 0 for p in lex.past):
        return True
    return any(_YEAR.fullmatch(t) and i > 0 and tokens[i - 1] in ("in", "en") for i, t in enumerate(tokens))


def _span_start(start: int, covered: set[int]) -> int:
    """Overlapping hits are one span ("me quiera morir" holds "quiera morir"): negation looks before it all."""
    while start - 1 in covered:
        start -= 1
    return start


def _negated(tokens: list[str], start: int, covered: set[int], lex: Compiled) -> bool:
    """A negation cue just before the hit, with no new subject between ("im not ok i want to die" is not)."""
    for j in range(start - 1, max(-1, start - 1 - _NEGATION_WINDOW), -1):
        if tokens[j] in _BREAKERS:
            return False
        if tokens[j] in lex.negation and j not in covered:
            return True
    return False


# A goodbye that names the next meeting ("gracias por todo, nos vemos el jueves") is a thank-you, not a farewell.
_NEXT_MEETING = (("nos", "vemos"), ("see", "you"), ("see", "u"), ("hasta", "el"), ("hasta", "manana"),
                 ("next", "week"), ("proxima", "semana"), ("monday",), ("tuesday",), ("wednesday",), ("thursday",),
                 ("friday",), ("lunes",), ("martes",), ("miercoles",), ("jueves",), ("viernes",))


def _only_a_thank_you(firm: list[str], tokens: list[str]) -> bool:
    return set(firm) == {"goodbye_preparation"} and any(find_phrase(tokens, p, frozenset()) >= 0 for p in _NEXT_MEETING)


@lru_cache(maxsize=1 << 14)  # pure; the parser asks twice per reply (lexical reading, idiom floor)
def read(text: str) -> Reading:
    """The crisis reading of one reply: `crisis`, `concern` (a person should read it) or `none`."""
    lex = compiled()
    if any(e in text for e in lex.crisis_emoji) or _pill_emoji_crisis(text, lex):
        return Reading(Level.crisis, ("emoji",))
    clauses = clause_tokens(text, lex)
    # Taking medication as told ("all my pills, like the doctor said") is no overdose; other hits still count.
    adherent = any(find_phrase(c, p, frozenset()) >= 0 for c in clauses for p in lex.adherence)
    figurative = any([_mask_idioms(tokens, lex) for tokens in clauses])
    firm: list[str] = []
    softened: list[str] = []
    for tokens in clauses:
        hits = _hits(tokens, lex, adherent)
        covered = {j for _, a, b in hits for j in range(a, b)}
        past = _past(tokens, lex)
        for category, start, _ in hits:
            start = _span_start(start, covered)
            soft = past or (start > 0 and _negated(tokens, start, covered, lex))
            (softened if soft else firm).append(category)
    all_tokens = [t for c in clauses for t in c]
    whole = " ".join(all_tokens)
    firm += ["message_pattern" for pattern in lex.message_patterns if pattern.search(whole)]
    if firm and _only_a_thank_you(firm, all_tokens):
        return Reading(Level.concern, ("goodbye_with_next_meeting",), figurative)
    if firm:
        third = ("third_person",) if any(t in lex.third_person for t in all_tokens) else ()
        return Reading(Level.crisis, tuple(dict.fromkeys(firm)) + third, figurative)
    if softened:
        return Reading(Level.concern, ("negated_or_past",), figurative)
    if any(e in text for e in lex.concern_emoji) or any(
            find_phrase(c, p, lex.fillers, real_words=lex.real_words) >= 0
            for c in clauses for p in lex.concern):
        return Reading(Level.concern, ("distress",), figurative)
    return Reading(Level.none, (), figurative)
