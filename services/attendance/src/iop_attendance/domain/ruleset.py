"""The risk rule set: data in a versioned YAML file, validated by pydantic when the service starts."""

from __future__ import annotations

from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from iop_shared.contracts.outbound import CheckinIntent, Severity


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EarlyNoShow(_Params):
    kind: Literal["early_no_show"]
    before_attended: int = Field(default=3, ge=1)


class ConsecutiveMisses(_Params):
    kind: Literal["consecutive_misses"]
    count: int = Field(ge=1)


class MissesInLast(_Params):
    kind: Literal["misses_in_last"]
    missed: int = Field(ge=1)
    of_last: int = Field(ge=1)


class HoursBelowMinimum(_Params):
    kind: Literal["hours_below_minimum"]
    weeks: int = Field(default=2, ge=1)
    adult_hours: float = Field(default=9, gt=0)
    adolescent_hours: float = Field(default=6, gt=0)
    left_early_credit: float = Field(default=0.5, ge=0, le=1)


class CravingRise(_Params):
    kind: Literal["craving_rise"]
    rise_over_baseline: int = Field(default=2, ge=1)
    absolute: int = Field(default=7, ge=0)
    baseline_min_scores: int = Field(default=3, ge=1)
    baseline_window: timedelta = timedelta(days=28)


class ScoreAtOrAbove(_Params):
    kind: Literal["score_at_or_above"]
    intent: CheckinIntent
    min_value: int = Field(ge=0)


class ScoreAtOrBelow(_Params):
    """For scales where a low answer is the worrying one (the notifier's mood prompt: 0 low, 10 great)."""

    kind: Literal["score_at_or_below"]
    intent: CheckinIntent
    max_value: int = Field(ge=0)


class UnansweredPrompts(_Params):
    kind: Literal["unanswered_prompts"]
    count: int = Field(default=3, ge=1)
    answer_within: timedelta = timedelta(hours=24)


class AssessmentAtOrAbove(_Params):
    """The latest completed total of an instrument at or above `min_total` (and below `below`, when set)."""

    kind: Literal["assessment_at_or_above"]
    instrument: str = Field(pattern=r"^[a-z0-9]+$")
    min_total: int = Field(ge=0)
    below: int | None = Field(default=None, ge=1)


class AssessmentItem9(_Params):
    """A PHQ-9 whose item 9 was answered above 0, within `lookback`."""

    kind: Literal["assessment_item9"]
    lookback: timedelta = timedelta(days=7)


class AssessmentRise(_Params):
    """The latest completed total rose at least `rise` points over the one before it."""

    kind: Literal["assessment_rise"]
    instrument: str = Field(pattern=r"^[a-z0-9]+$")
    rise: int = Field(ge=1)


class Crisis(_Params):
    kind: Literal["crisis"]
    lookback: timedelta = timedelta(hours=24)


Params = Annotated[
    EarlyNoShow | ConsecutiveMisses | MissesInLast | HoursBelowMinimum | CravingRise | ScoreAtOrAbove | ScoreAtOrBelow
    | UnansweredPrompts | Crisis | AssessmentAtOrAbove | AssessmentItem9 | AssessmentRise,
    Field(discriminator="kind"),
]


class Rule(BaseModel):
    """One rule: what pattern, how severe, how often it may flag, and the plain-words reason."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,79}$")
    severity: Severity
    params: Params
    cooldown: timedelta = timedelta(days=7)
    auto_resolve: bool = True
    repeat_while_open: bool = False
    reason: str = Field(min_length=1, max_length=300)
    enabled: bool = True

    def reason_text(self) -> str:
        """The reason with the rule's parameters filled in; templates name only rule parameters."""
        return self.reason.format(**self.params.model_dump())


class RuleSet(BaseModel):
    """A versioned list of rules; ids are unique."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1, max_length=40)
    rules: tuple[Rule, ...]

    @model_validator(mode="after")
    def _valid(self) -> RuleSet:
        ids = [r.id for r in self.rules]
        if len(set(ids)) != len(ids):
            raise ValueError("rule ids must be unique")
        for rule in self.rules:
            try:
                rule.reason_text()
            except (KeyError, IndexError, ValueError) as exc:
                raise ValueError(f"rule {rule.id}: reason names an unknown parameter: {exc}") from exc
        return self

    @property
    def enabled(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.enabled)

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


def parse(text: str) -> RuleSet:
    """Validate a YAML rule set."""
    return RuleSet.model_validate(yaml.safe_load(text))


def load(path: Path | None = None) -> RuleSet:
    """The rule set at `path`, or the default one shipped in the package."""
    if path is not None:
        return parse(path.read_text(encoding="utf-8"))
    return parse(resources.files("iop_attendance.rules").joinpath("default.yaml").read_text(encoding="utf-8"))
