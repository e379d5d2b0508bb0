"""Reads a patient's reply: crisis first (recall over precision), then keywords, scores and answers; a reply
that is none of these confidently, and is not a plain acknowledgement, is a `concern` for a person to read.

Pure and tolerant of case, spacing, accents, stretched letters, small misspellings and text-speak;
English and Spanish.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from iop_shared.contracts.outbound import CheckinIntent

from . import answer_classes as C
from . import answer_keywords as K
from . import answer_slots as S
from . import lexicon as L
from . import reply_model
from . import reply_numbers as N
from . import reply_words as W
from .crisis import Level, read
from .crisis_lexicon import compiled
from .text import expand, find_phrase, normalize, within

__all__ = ["Expecting", "ParsedReply", "normalize", "parse_reply", "parse_with", "within"]


class Expecting(StrEnum):
    """What the last message asked, which gives digits their meaning."""

    reminder = "reminder"  # 1 confirm, 2 reschedule
    mood = "mood"  # a 0-10 score
    craving = "craving"


@dataclass(frozen=True)
class ParsedReply:
    intent: CheckinIntent
    value: int | None = None
    # A concern only because nothing read it confidently: what the reply is if the model reads it as ordinary.
    if_ordinary: ParsedReply | None = field(default=None, compare=False)


# "two, my car broke down", "dos - tengo trabajo", "uno 👍 voy en camión", "dos porque tengo que trabajar": a number
# word set apart by punctuation or an emoji (not "?"), or followed by a reason, answers like its digit.
_REASONS = "|".join(sorted(L.ANSWER_REASONS))
_LEAD_NUMBER_WORD = re.compile(r"^\W*(?:one|uno|two|dos)(?:\s*[^\w\s?¿]|\s+(?:" + _REASONS + r")\b)", re.IGNORECASE)
_OUT_OF_TEN = re.compile(r"\b(\d{1,2})\s*(?:/|out of|de)\s*10\b", re.IGNORECASE)  # "7/10", "7 out of 10"
_NONE: frozenset[str] = frozenset()
_CONCERN = ParsedReply(CheckinIntent.concern)
_OTHER = ParsedReply(CheckinIntent.other)
_UNREAD = ParsedReply(CheckinIntent.concern, if_ordinary=_OTHER)
# An idiom the lexicon recognised ("this heat is killing me") needs a surer model to read as a crisis, and so
# does a reply the lexicon read as STOP, START or HELP (an opt-out must be honoured; the lexicon's own crisis
# reading still wins over it).
FIGURATIVE_FLOOR = 0.75
KEYWORD_FLOOR = 0.8
_KEYWORDS = frozenset({CheckinIntent.opt_out, CheckinIntent.opt_in, CheckinIntent.help})
# The same for a short plain answer: "I won't make it" and "no puedo ir mañana" are the commonest reschedule
# replies, and crisis texts in training share their words ("i wont make it through the night").
SHORT_ANSWER_WORDS = 8
# A reply of only a 1 or 2 and politeness ("to", "2 pls") carries no crisis wording: the model's reading of it comes
# from the letters of "to"/"two", which crisis texts share ("want to die"); only a near-certain reading overrides it.
BARE_NUMBER_FLOOR = 0.95
_PLAIN = frozenset({CheckinIntent.confirm, CheckinIntent.reschedule_request})
_SCORES = frozenset({CheckinIntent.mood, CheckinIntent.craving})
_PROMPTS = frozenset({Expecting.mood, Expecting.craving})
# A model reading between the concern and the crisis thresholds sends a reply the lexicon took for a plain answer
# to a person instead ("dying to see the group... i wont be anywhere").
_ANSWERS = frozenset({CheckinIntent.confirm, CheckinIntent.reschedule_request, CheckinIntent.other})


def parse_reply(text: str, expecting: Expecting | None = Expecting.reminder, *,
                opted_out: bool = False, use_model: bool = True) -> ParsedReply:
    """The intent (and score) of one reply; `opted_out` lets YES mean opt back in rather than confirm.

    The lexicons read first; the learned model (reply_model) adds crisis readings they miss and lets a reply
    nothing understood, but that reads as ordinary, stay `other` instead of going to triage.
    """
    if not use_model:
        return _not_ordinary(text, _lexical(text, expecting, opted_out))
    model = reply_model.load()
    return parse_with(text, expecting, opted_out=opted_out, probabilities=model.probabilities(text),
                      thresholds=model.thresholds)


def parse_with(text: str, expecting: Expecting | None, *, opted_out: bool, probabilities: Mapping[str, float],
               thresholds: Mapping[str, float]) -> ParsedReply:
    """The lexical reading combined with given model probabilities (training picks thresholds through this)."""
    lexical = _lexical(text, expecting, opted_out)
    if lexical.intent is CheckinIntent.crisis:
        return lexical
    crisis = probabilities["crisis"]
    short_answer = lexical.intent in _PLAIN and len(text.split()) <= SHORT_ANSWER_WORDS
    floor = FIGURATIVE_FLOOR if read(text).figurative else (
        KEYWORD_FLOOR if lexical.intent in _KEYWORDS or short_answer else 0.0)
    tokens = normalize(text).split()
    if short_answer and (C.bare_number(tokens) or S.slot_only(tokens, L.WEEKDAYS)):
        floor = BARE_NUMBER_FLOOR  # "to", "2 please", "a las 5 mejor": nothing in it but the answer
    elif K.notice_to_others(tokens):
        floor = BARE_NUMBER_FLOOR  # "be safe driving everyone": a warning for the others (step 11)
    elif lexical.intent in _PLAIN | _SCORES and S.milestone(normalize(text)):
        floor = max(floor, KEYWORD_FLOOR)  # "1. ya cumplí 30 días limpio!": good news beside the answer
    if crisis >= max(thresholds["crisis"], floor):
        return ParsedReply(CheckinIntent.crisis)
    if lexical.if_ordinary is not None and probabilities["ordinary"] >= thresholds["ordinary"]:
        return _not_ordinary(text, lexical.if_ordinary)
    if lexical.intent in _ANSWERS and lexical.value is None and crisis >= thresholds["concern"]:
        return _CONCERN
    return _not_ordinary(text, lexical)


def _not_ordinary(text: str, reading: ParsedReply) -> ParsedReply:
    """A plain answer or `other` becomes a concern when a first-person future action sits beside a method or a
    dangerous place (step 11): "voy a ir a la azotea" is no confirmation."""
    if reading.intent in _ANSWERS and C.future_with_danger(normalize(text).split(), compiled().lethal):
        return _CONCERN
    return reading


@lru_cache(maxsize=1 << 14)  # pure; training scores many thresholds over the same replies
def _lexical(text: str, expecting: Expecting | None, opted_out: bool) -> ParsedReply:
    reading = read(text)
    if reading.level is Level.crisis:
        return ParsedReply(CheckinIntent.crisis)
    calm = C.without_disappointment(text) if reading.level is Level.concern else text
    if calm not in ("", text) and read(calm).level is Level.none and (
            plain := _lexical(calm, expecting, opted_out)).intent in _PLAIN | _SCORES:
        return plain  # "2 😔": the face is about missing the session
    text = W.unquote(text)  # the crisis reading above saw the whole text
    norm = " ".join(expand(normalize(_OUT_OF_TEN.sub(r"\1", text)).split(), L.ANSWER_TEXTSPEAK))
    if expecting is Expecting.reminder:  # "number to please": a voice-to-text "two"
        norm = " ".join(C.homophone_answer(norm.split()))
    if not norm:  # empty, emoji or punctuation only: a bare "?" asks something, a lone pill emoji worries
        if expecting is Expecting.reminder and W.confirm_emoji(text):
            return ParsedReply(CheckinIntent.confirm)
        asks = "?" in text or any(e in text for e in compiled().medication_emoji)
        return _CONCERN if reading.level is Level.concern or asks else _OTHER
    keyword = W.keyword_intent(norm, opted_out) or W.shouted_help(text) or W.lead_keyword(text) or (
        K.keyword(norm.split()) or W.keyword_intent(" ".join(K.without_politeness(norm.split())), opted_out))
    if keyword is not None:
        return ParsedReply(keyword)
    tokens = S.split_glued(norm.split())  # "5ish"
    norm = " ".join(tokens)
    apart = bool(_LEAD_NUMBER_WORD.match(text))
    if reading.level is Level.concern:
        if reading.reasons == ("distress",) and any(t in L.LAUGHTER for t in tokens):
            return _UNREAD  # "lol my kids are gonna kill me": a person reads it unless the model reads it as ordinary
        explained = _explained(text, tokens, expecting) if expecting in _PROMPTS else None
        if reading.reasons == ("distress",) and explained is not None:
            return explained  # "1 - rough day, only slept 3 hours": the distress words explain the score (step 11)
        if reading.reasons != ("goodbye_with_next_meeting",):
            return _CONCERN
        # "thanks for everything, see you thursday": a person reads it unless the model reads it as ordinary.
        answer = _score_or_digit(tokens, expecting, apart) or _words_answer(norm, tokens, expecting)
        return ParsedReply(CheckinIntent.concern, if_ordinary=answer if answer and answer.intent in _PLAIN else _OTHER)
    if (expecting is Expecting.reminder and S.needs_person(tokens)) or (
            expecting in _PROMPTS and S.intensity(tokens, L.LAUGHTER)):
        return _CONCERN  # "maybe", "depends on my shift", "mucho" (step 10)
    answer = _score_or_digit(tokens, expecting, apart) or _words_answer(norm, tokens, expecting)
    if answer is not None:
        return answer
    if reading.figurative or W.benign(text, tokens):
        return _OTHER
    return _UNREAD


def _explained(text: str, tokens: list[str], expecting: Expecting) -> ParsedReply | None:
    """A score led by its number with an everyday cause after it, no worrying emoji beside it."""
    if any(e in text for e in compiled().concern_emoji) or not C.ordinary_cause(tokens[1:]):
        return None
    score = _score_or_digit(tokens, expecting)
    return score if score is not None and score.intent in _SCORES and len(tokens) > 1 else None


def _score_or_digit(tokens: list[str], expecting: Expecting | None, apart: bool = False) -> ParsedReply | None:
    if expecting is Expecting.craving and " ".join(tokens) in L.NO_CRAVING:
        return ParsedReply(CheckinIntent.craving, 0)
    numbers = C.lead_number(tokens, S.answer_numbers(tokens, N.numbers(tokens, times=expecting is Expecting.reminder)))
    if len(numbers) != 1:
        both = expecting is Expecting.reminder and {v for _, v, _ in numbers} == C.BOTH_OPTIONS
        return _CONCERN if both or (numbers and expecting in (Expecting.mood, Expecting.craving)) else None
    at, value, as_word = numbers[0]
    others = tokens[:at] + tokens[at + 1:]
    kind = N.score_kind(others, expecting)
    if kind is not None:
        if value > 10:
            return _CONCERN
        if not all(t in L.SCORE_FILLER for t in others):  # "5 but my landlord..." needs a person; "a 7, thanks" not
            lead = all(t in L.SCORE_FILLER for t in tokens[:at])
            comment = tokens[at + 1:]  # "9, me fue muy bien en el trabajo", "4 por el dolor de rodilla"
            if lead and (W.settled(comment) or (C.ordinary_cause(comment) and not any(
                    t in L.REQUEST_CUES for t in comment))):
                return ParsedReply(kind, value)
            return ParsedReply(CheckinIntent.concern, if_ordinary=ParsedReply(kind, value))
        return ParsedReply(kind, value)
    if expecting is not Expecting.reminder or value not in (1, 2) or (
            (N.names_or_counts(tokens, at) or S.counts(tokens, at)) and not S.not_counting(tokens, at)):
        return None
    if any(t in compiled().contrast for t in others) and not (value == 1 and _confirms(W.after_contrast(others))):
        return _CONCERN  # "1 but..." worries, "1, traffic is bad but ill get there" does not
    if as_word and not (apart and at == 0) and not all(t in L.ANSWER_FILLER for t in others):
        return None
    return ParsedReply(CheckinIntent.confirm if value == 1 else CheckinIntent.reschedule_request)


def _words_answer(norm: str, tokens: list[str], expecting: Expecting | None) -> ParsedReply | None:
    reminder = expecting is Expecting.reminder
    if reminder and (plain := K.plain_answer(tokens)) is not None:  # "ya, voy", "diff day pls" (step 11)
        return ParsedReply(plain)
    whole = C.whole_answer(norm) if reminder else None  # "bet", "i think so", "can't", "creo que no"
    if whole is not None:
        return ParsedReply(whole)
    if W.any_phrase(tokens, L.RESCHEDULE_PHRASES) or (reminder and any(
            t in L.WEEKDAYS for t in tokens) and W.any_phrase(tokens, L.RESCHEDULE_LEADS)) or (
            reminder and W.any_phrase(tokens, C.FAMILY_RESCHEDULE + C.NO_NUMBER_RESCHEDULE)) or (
            reminder and S.asks_or_refuses_slot(tokens, L.WEEKDAYS)):  # "can we do the 14th", "no, el jueves no"
        return ParsedReply(CheckinIntent.reschedule_request)
    if reminder and W.any_phrase(tokens, C.FAMILY_CONFIRM) and not any(
            t in compiled().contrast for t in tokens):  # "soy su mamá, sí va a ir"
        return ParsedReply(CheckinIntent.confirm)
    if (reminder and (norm in L.CONFIRM_WHOLE or S.works(tokens) or S.typo_confirm(tokens))) or _confirms(tokens):
        tail = W.after_contrast(tokens)
        if len(tail) < len(tokens) and (not tail or " ".join(tail) in L.GETTING_BY or not _confirms(tail)):
            return _CONCERN  # "see you but i might be late" is for a person; "snow looks bad but ill get there" is not
        return ParsedReply(CheckinIntent.confirm)
    return None


def _confirms(tokens: list[str]) -> bool:
    """A confirm phrase not negated right before it ("not sure" is no confirmation)."""
    if tokens[0] in L.CONFIRM_FIRST:
        return True
    negation = compiled().negation
    for phrase in L.CONFIRM_PHRASES:
        at = find_phrase(tokens, phrase, _NONE, real_words=C.CONFIRM_REAL_WORDS)
        if at >= 0 and not any(tokens[j] in negation and tokens[j + 1] not in L.NOT_A_NEGATION
                               for j in range(max(0, at - 2), at)):  # "dont think ill make it"; "no problem"
            return True
    return False
