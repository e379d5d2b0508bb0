"""The check-in instruments (instruments/instruments.yaml): loaded once, validated, scored.

Pure: scoring and banding take numbers only; the wording lives in the data file, verbatim from the publisher.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

LOCALES = ("en", "es")


class InstrumentError(ValueError):
    """The instruments file is malformed; the message names the entry."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    id: str
    title: str = Field(min_length=5)
    url: str = Field(pattern=r"^https?://\S+$")
    used_for: str


class Scale(_Strict):
    min: int = Field(ge=0)
    max: int = Field(ge=1, le=10)
    labels: dict[str, str]


class Continue(_Strict):
    instrument: str
    at_least: int = Field(ge=0)


class Band(_Strict):
    at_least: int = Field(ge=0)
    band: str = Field(pattern=r"^[a-z_]+$")


class Item(_Strict):
    loinc: str | None = Field(default=None, pattern=r"^\d{1,7}-\d$")
    en: str = Field(min_length=3)
    es: str = Field(min_length=3)


class Instrument(_Strict):
    title: str
    source: str
    scale: str
    loinc_panel: str | None = Field(default=None, pattern=r"^\d{1,7}-\d$")
    loinc_total: str | None = Field(default=None, pattern=r"^\d{1,7}-\d$")
    stem: dict[str, str]
    items: list[str] = Field(min_length=1)
    continue_to: Continue | None = None
    bands: list[Band] = Field(default_factory=list)
    flag_at: int | None = None
    critical_item: str | None = None

    @model_validator(mode="after")
    def _bands_rise(self) -> Self:
        lows = [b.at_least for b in self.bands]
        if lows != sorted(set(lows)) or (lows and lows[0] != 0):
            raise ValueError("bands must start at 0 and rise")
        if self.critical_item is not None and self.critical_item not in self.items:
            raise ValueError("critical_item must be one of the items")
        return self


class InstrumentSet(_Strict):
    version: str = Field(min_length=1)
    sources: list[Source] = Field(min_length=1)
    scales: dict[str, Scale]
    instruments: dict[str, Instrument]
    items: dict[str, Item]

    @model_validator(mode="after")
    def _references_resolve(self) -> Self:
        source_ids = {s.id for s in self.sources}
        for name, inst in self.instruments.items():
            if inst.source not in source_ids or inst.scale not in self.scales:
                raise ValueError(f"{name}: unknown source or scale")
            if set(inst.stem) != set(LOCALES) or set(self.scales[inst.scale].labels) != set(LOCALES):
                raise ValueError(f"{name}: stem and scale labels need every locale {LOCALES}")
            if missing := [i for i in inst.items if i not in self.items]:
                raise ValueError(f"{name}: unknown items {missing}")
            if inst.continue_to and inst.continue_to.instrument not in self.instruments:
                raise ValueError(f"{name}: continues to an unknown instrument")
        return self

    def instrument(self, name: str) -> Instrument:
        """One instrument by name; KeyError when it is not in the file."""
        return self.instruments[name]

    def scale_of(self, name: str) -> Scale:
        return self.scales[self.instruments[name].scale]

    def total(self, name: str, answers: list[int]) -> int:
        """The sum of one instrument's answers, each checked against its scale."""
        scale = self.scale_of(name)
        if len(answers) != len(self.instruments[name].items):
            raise ValueError("one answer per item")
        if any(not scale.min <= a <= scale.max for a in answers):
            raise ValueError("answer outside the scale")
        return sum(answers)

    def band(self, name: str, total: int) -> str | None:
        """The severity band of a total, None for an instrument without bands."""
        names = [b.band for b in self.instruments[name].bands if total >= b.at_least]
        return names[-1] if names else None

    def next_instrument(self, name: str, total: int) -> str | None:
        """The instrument a screener continues to at this total (PHQ-2 >= 3 -> PHQ-9), else None."""
        follow = self.instruments[name].continue_to
        return follow.instrument if follow and total >= follow.at_least else None


def parse(text: str) -> InstrumentSet:
    """A validated instrument set from YAML text; InstrumentError names the first bad entry by its path."""
    try:
        return InstrumentSet.model_validate(yaml.safe_load(text))
    except yaml.YAMLError as exc:
        raise InstrumentError(f"instruments file is not valid YAML: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InstrumentError(f"instruments entry {where}: {first['msg']}") from exc


@cache
def load() -> InstrumentSet:
    """The packaged instruments, read and validated once per process."""
    text = resources.files("iop_notifier.domain.instruments").joinpath("instruments.yaml").read_text("utf-8")
    return parse(text)
