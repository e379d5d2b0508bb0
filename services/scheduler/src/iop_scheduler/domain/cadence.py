"""A program's instrument cadence: which check-in a day's prompt opens, counted from the patient's intake."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class CadenceStep:
    """`instrument` on the intake day (when `at_intake`) and every `every_days` days after it."""

    instrument: str
    every_days: int
    at_intake: bool = True

    def __post_init__(self) -> None:
        if self.every_days < 1:
            raise ValueError("every_days must be at least 1")


def checkin_kind(steps: Sequence[CadenceStep], intake: date, day: date) -> str | None:
    """The first step due on `day`, in the configured order; None means the neutral 0-10 prompt."""
    days = (day - intake).days
    for step in steps:
        if days < 0 or (days == 0 and not step.at_intake):
            continue
        if days % step.every_days == 0:
            return step.instrument
    return None
