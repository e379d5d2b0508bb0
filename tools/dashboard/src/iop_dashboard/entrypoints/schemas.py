"""HTTP bodies of the dashboard's JSON API."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Action(StrEnum):
    acknowledge = "acknowledge"
    resolve = "resolve"


class FlagActionIn(BaseModel):
    """An optional note without clinical detail; who acts is always the signed-in user (a `by` field is refused)."""

    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(default=None, max_length=500)
