"""HTTP bodies of the dashboard's JSON API."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from iop_shared.contracts.common import EntityId


class Action(StrEnum):
    acknowledge = "acknowledge"
    resolve = "resolve"


class FlagActionIn(BaseModel):
    """Who acts on a flag (the configured operator id when absent) and an optional note without clinical detail."""

    model_config = ConfigDict(extra="forbid")

    by: EntityId | None = None
    note: str | None = Field(default=None, max_length=500)
