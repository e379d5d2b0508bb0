"""The crisis lexicon (lexicons/crisis.yaml): loaded once, validated, folded for matching."""

from __future__ import annotations

import re
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
    third_person: list[Phrase]
    idioms: list[Phrase]
    fillers: list[Phrase]
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
