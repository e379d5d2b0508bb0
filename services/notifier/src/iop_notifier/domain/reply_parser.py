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

from . import lexicon as L
from . import reply_model
from .crisis import Level, read
from .crisis_lexicon import compiled
from .text import expand, find_phrase, normalize, squeeze, within

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


# "two, my car broke down", "dos - tengo trabajo": a number word set apart by punctuation answers like its digit.
_LEAD_NUMBER_WORD = re.compile(r"^\W*(?:one|uno|two|dos)\s*(?:[,.;:!)]|-|–|—)", re.IGNORECASE)
_SKIN_TONES = re.compile("[\U0001F3FB-\U0001F3FF\uFE0F]|\\s")
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
_PLAIN = frozenset({CheckinIntent.confirm, CheckinIntent.reschedule_request})
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
        return _lexical(text, expecting, opted_out)
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
    if crisis >= max(thresholds["crisis"], floor):
        return ParsedReply(CheckinIntent.crisis)
    if lexical.if_ordinary is not None and probabilities["ordinary"] >= thresholds["ordinary"]:
        return lexical.if_ordinary
    if lexical.intent in _ANSWERS and lexical.value is None and crisis >= thresholds["concern"]:
        return _CONCERN
    return lexical


@lru_cache(maxsize=1 << 14)  # pure; training scores many thresholds over the same replies
def _lexical(text: str, expecting: Expecting | None, opted_out: bool) -> ParsedReply:
    reading = read(text)
    if reading.level is Level.crisis:
        return ParsedReply(CheckinIntent.crisis)
    norm = " ".join(expand(normalize(_OUT_OF_TEN.sub(r"\1", text)).split(), L.ANSWER_TEXTSPEAK))
    if not norm:  # empty, emoji or punctuation only: a bare "?" asks something, a lone pill emoji worries
        if expecting is Expecting.reminder and _confirm_emoji(text):
            return ParsedReply(CheckinIntent.confirm)
        asks = "?" in text or any(e in text for e in compiled().medication_emoji)
        return _CONCERN if reading.level is Level.concern or asks else _OTHER
    keyword = _keyword_intent(norm, opted_out) or _shouted_help(text)
    if keyword is not None:
        return ParsedReply(keyword)
    tokens = norm.split()
    apart = bool(_LEAD_NUMBER_WORD.match(text))
    if reading.level is Level.concern:
        if reading.reasons != ("goodbye_with_next_meeting",):
            return _CONCERN
        # "thanks for everything, see you thursday": a person reads it unless the model reads it as ordinary.
        answer = _score_or_digit(tokens, expecting, apart) or _words_answer(norm, tokens, expecting)
        return ParsedReply(CheckinIntent.concern, if_ordinary=answer if answer and answer.intent in _PLAIN else _OTHER)
    answer = _score_or_digit(tokens, expecting, apart) or _words_answer(norm, tokens, expecting)
    if answer is not None:
        return answer
    if reading.figurative or _benign(text, tokens):
        return _OTHER
    return _UNREAD


def _confirm_emoji(text: str) -> bool:
    """Only thumbs-up, check or OK emoji, any skin tone, any number of them."""
    bare = _SKIN_TONES.sub("", text)
    return bool(bare) and all(ch in L.CONFIRM_EMOJI_BASE for ch in bare)


def _shouted_help(text: str) -> CheckinIntent | None:
    """A short message that ends in the keyword typed as one ("what is this number? HELP"); "i need help" is not."""
    words = text.split()
    last = re.sub(r"\W", "", words[-1]) if words else ""
    apart = len(words) >= 2 and words[-2][-1] in "?.!,:;"  # a keyword after a sentence, not "I NEED HELP"
    keyword = apart and last.isupper() and normalize(last) in L.HELP_KEYWORDS and len(words) <= 6
    return CheckinIntent.help if keyword else None


def _keyword_intent(norm: str, opted_out: bool) -> CheckinIntent | None:
    tokens = norm.split()
    if _whole(norm, L.OPT_OUT_KEYWORDS) or (tokens[0] in L.OPT_OUT_LEADS and len(tokens) <= 4) or _any(
            tokens, L.OPT_OUT_PHRASES):
        return CheckinIntent.opt_out
    if (_whole(norm, L.OPT_IN_KEYWORDS) and (opted_out or squeeze(norm) not in {"yes", "si"})) or _any(
            tokens, L.OPT_IN_PHRASES):
        return CheckinIntent.opt_in
    if _whole(norm, L.HELP_KEYWORDS) or (tokens[0] in L.HELP_KEYWORDS and (
            all(t in L.HELP_FILLER for t in tokens)
            or " ".join(t for t in tokens[1:] if t not in L.HELP_FILLER) in L.HELP_QUESTIONS)):
        return CheckinIntent.help
    return None


def _whole(norm: str, keywords: frozenset[str]) -> bool:
    """The whole reply is the keyword: spacing, stretched letters ("stopp") and one typo in a long one ("strat")."""
    word = norm.replace(" ", "")
    return norm in keywords or word in keywords or squeeze(word) in keywords or (
        " " not in norm and any(len(k) >= 5 and within(word, k) for k in keywords))


def _any(tokens: list[str], phrases: tuple[tuple[str, ...], ...]) -> bool:
    real = compiled().real_words | L.ANSWER_REAL_WORDS  # "cambiaron" is no typo of "cambiarlo"
    return any(find_phrase(tokens, p, _NONE, real_words=real) >= 0 for p in phrases)


def _numbers(tokens: list[str]) -> list[tuple[int, int, bool]]:
    """(position, value, written as a word) of each number in the reply."""
    found = []
    for i, t in enumerate(tokens):
        if t.isdigit() and len(t) <= 2:
            found.append((i, int(t), False))
        elif t in L.NUMBER_WORDS:
            found.append((i, L.NUMBER_WORDS[t], True))
    return found


def _score_or_digit(tokens: list[str], expecting: Expecting | None, apart: bool = False) -> ParsedReply | None:
    if expecting is Expecting.craving and " ".join(tokens) in L.NO_CRAVING:
        return ParsedReply(CheckinIntent.craving, 0)
    numbers = _numbers(tokens)
    if len(numbers) != 1:
        return _CONCERN if numbers and expecting in (Expecting.mood, Expecting.craving) else None
    at, value, as_word = numbers[0]
    others = tokens[:at] + tokens[at + 1:]
    kind = _score_kind(others, expecting)
    if kind is not None:
        if value > 10:
            return _CONCERN
        if not all(t in L.SCORE_FILLER for t in others):  # "5 but my landlord..." needs a person; "a 7, thanks" not
            return ParsedReply(CheckinIntent.concern, if_ordinary=ParsedReply(kind, value))
        return ParsedReply(kind, value)
    if expecting is not Expecting.reminder or value not in (1, 2) or (at and tokens[at - 1] in L.TIME_LEADS):
        return None
    if any(t in compiled().contrast for t in others):
        return _CONCERN
    if as_word and not (apart and at == 0) and not all(t in L.ANSWER_FILLER for t in others):
        return None
    return ParsedReply(CheckinIntent.confirm if value == 1 else CheckinIntent.reschedule_request)


def _score_kind(others: list[str], expecting: Expecting | None) -> CheckinIntent | None:
    if any(within(t, w) for t in others for w in L.CRAVING_WORDS):
        return CheckinIntent.craving
    if any(within(t, w) for t in others for w in L.MOOD_WORDS):
        return CheckinIntent.mood
    if expecting in (Expecting.mood, Expecting.craving):
        return CheckinIntent(expecting.value)
    return None


def _words_answer(norm: str, tokens: list[str], expecting: Expecting | None) -> ParsedReply | None:
    if _any(tokens, L.RESCHEDULE_PHRASES) or (expecting is Expecting.reminder and any(
            t in L.WEEKDAYS for t in tokens) and _any(tokens, L.RESCHEDULE_LEADS)):
        return ParsedReply(CheckinIntent.reschedule_request)
    if (expecting is Expecting.reminder and norm in L.CONFIRM_WHOLE) or _confirms(tokens):
        if any(t in compiled().contrast for t in tokens):
            return _CONCERN
        return ParsedReply(CheckinIntent.confirm)
    return None


def _confirms(tokens: list[str]) -> bool:
    """A confirm phrase not negated right before it ("not sure" is no confirmation)."""
    if tokens[0] in L.CONFIRM_FIRST:
        return True
    negation = compiled().negation
    for phrase in L.CONFIRM_PHRASES:
        at = find_phrase(tokens, phrase, _NONE)
        if at >= 0 and not any(tokens[j] in negation and tokens[j + 1] not in L.NOT_A_NEGATION
                               for j in range(max(0, at - 2), at)):  # "dont think ill make it"; "no problem"
            return True
    return False


def _benign(text: str, tokens: list[str]) -> bool:
    """Thanks, greetings, laughter, running late: nothing for a person to act on."""
    if any(t in L.LAUGHTER for t in tokens) or any(e in text for e in L.LAUGHTER_EMOJI):
        return True
    if all(t in L.BENIGN_WORDS for t in tokens) or " ".join(tokens) in L.BENIGN_PHRASES:
        return True
    if "?" in text:
        return False
    rest = [t for t in tokens if t not in L.BENIGN_WORDS and t not in L.FUNCTION_WORDS]
    if any(t in L.BENIGN_ANCHORS for t in tokens) and len(rest) <= 2:
        return True
    # A longer thank-you or FYI ("got the letter, thank you so much, my boss was fine with it"), asking nothing.
    contrast = compiled().contrast
    fyi = any(t in L.GRATITUDE for t in tokens) or _any(tokens, L.FYI_LEADS)
    return fyi and not any(t in L.REQUEST_CUES or t in contrast for t in tokens)
