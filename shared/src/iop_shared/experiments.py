"""Reminder experiments: arms (template variants and/or cadences, one control), deterministic assignment and the
report (per-arm attendance and no-show rates, the relative lift of each arm over control with a 95 % interval).

Pure: the operator CLI reads the outcomes from the attendance service's visits and calls `report`.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Self

from pydantic import Field, model_validator

from .contracts.common import Contract, EntityId, Timestamp
from .contracts.lockscreen import LockScreenText

Z95 = 1.959963984540054


class Arm(Contract):
    """One arm: what its patients' reminders differ by; the control keeps the default cadence and wording."""

    name: EntityId
    weight: float = Field(default=1.0, gt=0, le=1000)
    control: bool = False
    template_variant: LockScreenText | None = Field(default=None, max_length=80, description="lead-in text")
    cadence: list[str] | None = Field(default=None, max_length=6, description='offsets, e.g. ["48h", "2h"]')


class Experiment(Contract):
    """A clinic's experiment; patients of `programs` (all when empty) enrolled between start and end."""

    experiment_id: EntityId
    clinic_id: EntityId
    arms: list[Arm] = Field(min_length=2, max_length=8)
    programs: list[EntityId] = Field(default_factory=list)
    starts_at: Timestamp
    ends_at: Timestamp

    @model_validator(mode="after")
    def _one_control(self) -> Self:
        if sum(a.control for a in self.arms) != 1:
            raise ValueError("an experiment needs exactly one control arm")
        if len({a.name for a in self.arms}) != len(self.arms):
            raise ValueError("arm names must be unique")
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self

    def control(self) -> Arm:
        return next(a for a in self.arms if a.control)


def assign(experiment: Experiment, patient_id: str) -> Arm:
    """The patient's arm: a hash of experiment and patient, so it never changes and needs no stored state."""
    digest = hashlib.sha256(f"{experiment.experiment_id}:{patient_id}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") / 2**64 * sum(a.weight for a in experiment.arms)
    for arm in experiment.arms:
        point -= arm.weight
        if point < 0:
            return arm
    return experiment.arms[-1]


@dataclass(frozen=True)
class Tally:
    patients: int = 0
    sessions: int = 0
    attended: int = 0
    no_shows: int = 0

    def add(self, sessions: int, attended: int, no_shows: int) -> Tally:
        return Tally(self.patients + 1, self.sessions + sessions, self.attended + attended,
                     self.no_shows + no_shows)


@dataclass(frozen=True)
class ArmReport:
    arm: str
    control: bool
    tally: Tally
    attended_rate: float
    no_show_rate: float
    lift: float | None = None  # relative lift of the attendance rate over control (0.05 = +5 %)
    ci_low: float | None = None
    ci_high: float | None = None


def _rate(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def relative_lift(arm: Tally, control: Tally) -> tuple[float, float, float] | None:
    """Lift of the attendance rate and its 95 % interval (risk ratio, log scale, delta method)."""
    a, n1, c, n0 = arm.attended, arm.sessions, control.attended, control.sessions
    if min(a, c) == 0 or a == n1 or c == n0:
        return None  # no interval without events and non-events in both
    rr = (a / n1) / (c / n0)
    se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n0)
    return rr - 1, math.exp(math.log(rr) - Z95 * se) - 1, math.exp(math.log(rr) + Z95 * se) - 1


def report(experiment: Experiment, tallies: dict[str, Tally]) -> list[ArmReport]:
    """Every arm's rates, and for each non-control arm its lift over control with a 95 % interval."""
    control = tallies.get(experiment.control().name, Tally())
    out = []
    for arm in experiment.arms:
        t = tallies.get(arm.name, Tally())
        lift = None if arm.control else relative_lift(t, control)
        out.append(ArmReport(arm.name, arm.control, t, _rate(t.attended, t.sessions), _rate(t.no_shows, t.sessions),
                             *(lift or (None, None, None))))
    return out


def enrolled(experiment: Experiment, at: datetime) -> bool:
    return experiment.starts_at <= at < experiment.ends_at
