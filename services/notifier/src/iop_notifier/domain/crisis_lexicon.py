"""The crisis lexicon (lexicons/crisis.yaml): loaded once, validated, folded for matching."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Annotated

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from .text import normalize

CRISIS_CATEGORIES = ("active_ideation", "passive_ideation", "goodbye_preparation", "method_intent", "self_harm",
                     "slang", "unsafe", "relapse_stop", "plain")


class LexiconError(ValueError):
    """The lexicon file is malformed; the message names the entry."""


def _folded(text: str) -> str:
    folded = normalize(text)
    if not folded:
        raise ValueError(f"entry {text!r} is empty once folded")
    return folded


def _regex(text: str) -> str:
    try:
        re.compile(text)
    except re.error as exc:
        raise ValueError(f"pattern {text!r} does not compile: {exc}") from exc
    return text


def _emoji(text: str) -> str:
    if not text or normalize(text):
        raise ValueError(f"emoji entry {text!r} must be emoji only")
    return text


Phrase = Annotated[str, AfterValidator(_folded)]
Pattern = Annotated[str, AfterValidator(_regex)]
Emoji = Annotated[str, AfterValidator(_emoji)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    id: str
    title: str = Field(min_length=5)
    url: str = Field(pattern=r"^https?://\S+$")
    used_for: str


class Crisis(_Strict):
    active_ideation: list[Phrase]
    passive_ideation: list[Phrase]
    goodbye_preparation: list[Phrase]
    method_intent: list[Phrase]
    self_harm: list[Phrase]
    slang: list[Phrase]
    unsafe: list[Phrase]
    relapse_stop: list[Phrase]
    plain: list[Phrase]


class Words(_Strict):
    fuzzy: list[Phrase]
    exact: list[Phrase]


class Means(_Strict):
    lethal: list[Phrase]
    medication: list[Phrase]
    quantity: list[Phrase]


class EmojiSets(_Strict):
    crisis: list[Emoji]
    medication: list[Emoji]
    words: dict[Emoji, str]
    with_medication: list[Emoji]
    concern: list[Emoji]
    benign: list[Emoji]


class Language(_Strict):
    crisis: Crisis
    words: Words
    patterns: list[Pattern]
    message_patterns: list[Pattern]
    means: Means
    emoji: EmojiSets
    concern: list[Phrase]
    negation: list[Phrase]
    contrast: list[Phrase]
    past: list[Phrase]
    present: list[Phrase]
    adherence: list[Phrase]
    third_person: list[Phrase]
    idioms: list[Phrase]
    fillers: list[Phrase]
    real_words: list[Phrase]
    textspeak: dict[str, str]


class Lexicon(_Strict):
    version: str = Field(min_length=1)
    sources: list[Source] = Field(min_length=1)
    languages: dict[str, Language]


def parse(text: str) -> Lexicon:
    """A validated lexicon from YAML text; LexiconError names the first bad entry by its path."""
    try:
        return Lexicon.model_validate(yaml.safe_load(text))
    except yaml.YAMLError as exc:
        raise LexiconError(f"crisis lexicon is not valid YAML: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise LexiconError(f"crisis lexicon entry {where}: {first['msg']}") from exc


@cache
def load() -> Lexicon:
    """The packaged lexicon, read and validated once per process."""
    return parse(resources.files("iop_notifier.domain.lexicons").joinpath("crisis.yaml").read_text("utf-8"))


@dataclass(frozen=True)
class Compiled:
    """Every language's lists merged and folded into matching form."""

    phrases: tuple[tuple[str, tuple[str, ...]], ...]
    fuzzy: frozenset[str]
    exact: frozenset[str]
    lethal: frozenset[str]
    medication: frozenset[str]
    quantity: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]
    message_patterns: tuple[re.Pattern[str], ...]
    idioms: tuple[tuple[str, ...], ...]
    concern: tuple[tuple[str, ...], ...]
    negation: frozenset[str]
    contrast: frozenset[str]
    past: tuple[tuple[str, ...], ...]
    present: tuple[tuple[str, ...], ...]
    adherence: tuple[tuple[str, ...], ...]
    third_person: frozenset[str]
    fillers: frozenset[str]
    real_words: frozenset[str]
    textspeak: dict[str, str] = field(hash=False)
    crisis_emoji: frozenset[str]
    medication_emoji: frozenset[str]
    with_medication_emoji: frozenset[str]
    emoji_words: dict[str, str] = field(hash=False)
    concern_emoji: frozenset[str]


@cache
def compiled() -> Compiled:
    """Every language's lists merged: a reply may mix English and Spanish."""
    langs = list(load().languages.values())

    def words(get: Callable[[Language], list[str]]) -> frozenset[str]:
        return frozenset(w for lang in langs for w in get(lang))

    def phrases(get: Callable[[Language], list[str]]) -> tuple[tuple[str, ...], ...]:
        return tuple(dict.fromkeys(tuple(p.split()) for lang in langs for p in get(lang)))

    return Compiled(
        phrases=tuple((cat, tuple(p.split())) for lang in langs for cat in CRISIS_CATEGORIES
                      for p in getattr(lang.crisis, cat)),
        fuzzy=words(lambda lang: lang.words.fuzzy), exact=words(lambda lang: lang.words.exact),
        lethal=words(lambda lang: lang.means.lethal), medication=words(lambda lang: lang.means.medication),
        quantity=words(lambda lang: lang.means.quantity),
        patterns=tuple(re.compile(p) for lang in langs for p in lang.patterns),
        message_patterns=tuple(re.compile(p) for lang in langs for p in lang.message_patterns),
        idioms=phrases(lambda lang: lang.idioms), concern=phrases(lambda lang: lang.concern),
        negation=words(lambda lang: lang.negation),
        contrast=words(lambda lang: lang.contrast), past=phrases(lambda lang: lang.past),
        present=phrases(lambda lang: lang.present),
        adherence=phrases(lambda lang: lang.adherence), third_person=words(lambda lang: lang.third_person),
        fillers=words(lambda lang: lang.fillers), real_words=words(lambda lang: lang.real_words),
        textspeak={k: normalize(v) for lang in langs for k, v in lang.textspeak.items()},
        crisis_emoji=words(lambda lang: lang.emoji.crisis), medication_emoji=words(lambda lang: lang.emoji.medication),
        with_medication_emoji=words(lambda lang: lang.emoji.with_medication),
        emoji_words={e: " ".join(lang.emoji.words[e] for lang in langs if e in lang.emoji.words)
                     for lang in langs for e in lang.emoji.words},  # every language's word: "dead muerto"
        concern_emoji=words(lambda lang: lang.emoji.concern),
    )
