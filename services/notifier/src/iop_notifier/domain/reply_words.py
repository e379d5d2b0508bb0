"""Word-level readings of a folded reply for the parser: keywords, emoji answers, acknowledgements."""

from __future__ import annotations

import re

from iop_shared.contracts.outbound import CheckinIntent

from . import lexicon as L
from .crisis_lexicon import compiled
from .text import find_phrase, normalize, squeeze, within

_NONE: frozenset[str] = frozenset()
_SKIN_TONES = re.compile("[\U0001F3FB-\U0001F3FF\uFE0F]|\\s")
# Our own reminder instructions quoted back ("Reply 1 to confirm, 2 to change. 1"): the digits in them are ours.
_INSTRUCTION = re.compile(r"\b(?:reply|responda|responde)\s+1\b[^.\n]*", re.IGNORECASE)
# The instruction's two options spelled out ("Reply 1 to confirm, 2 to change"), so that an answer after it with
# no full stop between ("...2 to reschedule - 2") survives; the generic form above runs to the end of the sentence.
_W = r"[a-záéíóúñ]+"
_OPTIONS = re.compile(rf"[\"“”']?\b(?:reply|responda|responde|text|envie|envía)\s+1\s*(?:to|for|para|=|-)?\s*{_W}"
                      rf"(?:\s+(?:it|la|su|tu|your)\b(?:\s+{_W})?)?[\s,;/]*(?:\b(?:or|and|o|y)\b)?\s*2\s*"
                      rf"(?:to|for|para|=|-)?\s*{_W}(?:\s+(?:it|la|su|tu|your)\b(?:\s+{_W})?)?[\"“”'.]?",
                      re.IGNORECASE)
_INSTRUCTION_TAIL = re.compile(r"\b(?:stop to end(?: texts)?|alto para salir|call (?:us at )?[\d() +-]{7,})",
                               re.IGNORECASE)
_LEAD_KEYWORD = re.compile(r"^\W*([a-z]+)\s*[,.;:!-]", re.IGNORECASE)


def unquote(text: str) -> str:
    """The reply without a quoted reminder instruction, if the patient pasted one back."""
    options = _OPTIONS.sub(" ", text)
    if options != text:
        return _INSTRUCTION_TAIL.sub(" ", options)
    if not _INSTRUCTION.search(text):
        return text
    return _INSTRUCTION_TAIL.sub(" ", _INSTRUCTION.sub(" ", text))


def lead_keyword(text: str) -> CheckinIntent | None:
    """START or STOP typed first and set apart by punctuation, then a sentence ("start, ya volví al programa")."""
    match = _LEAD_KEYWORD.match(text)
    intent = L.LEAD_KEYWORDS.get(normalize(match.group(1))) if match else None
    return CheckinIntent(intent) if intent else None


def after_contrast(tokens: list[str]) -> list[str]:
    """The words after the last "but"/"pero": what the reply settles on ("snow looks bad but ill get there")."""
    contrast = compiled().contrast
    cut = max((i for i, t in enumerate(tokens) if t in contrast), default=-1)
    return tokens[cut + 1:]


def settled(comment: list[str]) -> bool:
    """A comment after a score that says things are fine, asking nothing ("me fue muy bien", "long day but ok")."""
    if any(t in L.REQUEST_CUES for t in comment):
        return False
    tail = after_contrast(comment)
    if any_phrase(tail, L.SETTLED_PHRASES):
        return True
    negation = compiled().negation
    return any(t in L.SETTLED_WORDS and not any(tail[j] in negation for j in range(max(0, i - 2), i))
               for i, t in enumerate(tail))


def confirm_emoji(text: str) -> bool:
    """Only thumbs-up, check or OK emoji, any skin tone, any number of them."""
    bare = _SKIN_TONES.sub("", text)
    return bool(bare) and all(ch in L.CONFIRM_EMOJI_BASE for ch in bare)


def shouted_help(text: str) -> CheckinIntent | None:
    """A short message that ends in the keyword typed as one ("what is this number? HELP"); "i need help" is not."""
    words = text.split()
    last = re.sub(r"\W", "", words[-1]) if words else ""
    apart = len(words) >= 2 and words[-2][-1] in "?.!,:;"  # a keyword after a sentence, not "I NEED HELP"
    keyword = apart and last.isupper() and normalize(last) in L.HELP_KEYWORDS and len(words) <= 6
    return CheckinIntent.help if keyword else None


def keyword_intent(norm: str, opted_out: bool) -> CheckinIntent | None:
    tokens = norm.split()
    if _whole(norm, L.OPT_OUT_KEYWORDS) or (tokens[0] in L.OPT_OUT_LEADS and len(tokens) <= 4) or any_phrase(
            tokens, L.OPT_OUT_PHRASES):
        return CheckinIntent.opt_out
    if (_whole(norm, L.OPT_IN_KEYWORDS) and (opted_out or squeeze(norm) not in {"yes", "si"})) or any_phrase(
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


def any_phrase(tokens: list[str], phrases: tuple[tuple[str, ...], ...]) -> bool:
    real = compiled().real_words | L.ANSWER_REAL_WORDS  # "cambiaron" is no typo of "cambiarlo"
    return any(find_phrase(tokens, p, _NONE, real_words=real) >= 0 for p in phrases)


def benign(text: str, tokens: list[str]) -> bool:
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
    fyi = any(t in L.GRATITUDE for t in tokens) or any_phrase(tokens, L.FYI_LEADS) or (
        any_phrase(tokens, L.RIDE_FYI) and not any(t in L.RIDE_NEGATION for t in tokens))
    return fyi and not any(t in L.REQUEST_CUES or t in contrast for t in tokens)
