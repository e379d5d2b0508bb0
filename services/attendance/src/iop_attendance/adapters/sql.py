"""Loads the readable SQL in adapters/queries/ by name."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def q(name: str) -> str:
    """The text of queries/<name>.sql."""
    return resources.files("iop_attendance.adapters.queries").joinpath(f"{name}.sql").read_text(encoding="utf-8")
