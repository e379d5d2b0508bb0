"""Word-level readings of a folded reply for the parser: keywords, emoji answers, acknowledgements."""

from __future__ import annotations

import re

from iop_shared.contracts.outbound import CheckinIntent

from . import lexicon as L
from .crisis_lexicon import compiled
from .text import find_phrase, normalize, squeeze, within

_NONE: frozenset[str] = frozenset()
_SKIN_TONES = re.compile("[\U0001F3FB-\U0001F3FF\uFE0F]|\\s")


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
    fyi = any(t in L.GRATITUDE for t in tokens) or any_phrase(tokens, L.FYI_LEADS)
    return fyi and not any(t in L.REQUEST_CUES or t in contrast for t in tokens)
