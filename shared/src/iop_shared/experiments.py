"""Reminder experiments: arms (template variants and/or cadences, one control), deterministic assignment and the
report (per-arm attendance and no-show rates, the relative lift of each arm over control with a 95 % interval,
counted per patient: a patient's sessions are not independent).

Pure: the operator CLI (from the attendance schema) and the dashboard (through the attendance API) read the same
per-patient outcomes (`iop_attendance.adapters.experiments`) and both call `summarize` and `as_json`.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

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
    """An arm's counts, with the per-patient sums of squares the patient-clustered interval needs."""

    patients: int = 0
    sessions: int = 0
    attended: int = 0
    no_shows: int = 0
    attended_sq: int = 0  # sum over patients of attended**2
    attended_x_sessions: int = 0  # sum over patients of attended * sessions
    sessions_sq: int = 0  # sum over patients of sessions**2

    def add(self, sessions: int, attended: int, no_shows: int) -> Tally:
        """This tally with one more patient's sessions, attended and no-shows."""
        return Tally(self.patients + 1, self.sessions + sessions, self.attended + attended,
                     self.no_shows + no_shows, self.attended_sq + attended * attended,
                     self.attended_x_sessions + attended * sessions, self.sessions_sq + sessions * sessions)


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


def _log_rate_var(t: Tally) -> float | None:
    """Variance of log(attended / sessions) with patients as clusters; None without two patients' sums.

    The attendance rate is a ratio of per-patient sums, p = sum(a_i) / sum(n_i), so its variance is the
    cluster-robust (linearisation, "sandwich") variance of a ratio estimator with the usual small-sample factor
    k / (k - 1) over k patients: Var(p) = k / (k - 1) * sum((a_i - p * n_i)**2) / sum(n_i)**2 (Cochran, Sampling
    Techniques, 3rd ed. 1977, section 6.3; Cameron and Miller, "A Practitioner's Guide to Cluster-Robust
    Inference", J. Human Resources 50(2), 2015, CR1). With one session per patient it is the binomial
    1/a - 1/n of the per-session interval; a patient's correlated sessions widen it. The delta method gives
    Var(log p) = Var(p) / p**2. Plain arithmetic, so the services need no scipy or statsmodels at run time.
    """
    k, n, a = t.patients, t.sessions, t.attended
    if k < 2 or not t.sessions_sq:
        return None  # one patient, or totals without the per-patient sums: no patient-level variance
    p = a / n
    residuals = t.attended_sq - 2 * p * t.attended_x_sessions + p * p * t.sessions_sq
    return k / (k - 1) * max(residuals, 0.0) / (n * n) / (p * p)


def _interval(arm: Tally, control: Tally, var_log_rr: float) -> tuple[float, float, float] | None:
    if var_log_rr <= 0:
        return None
    rr, se = (arm.attended / arm.sessions) / (control.attended / control.sessions), math.sqrt(var_log_rr)
    return rr - 1, math.exp(math.log(rr) - Z95 * se) - 1, math.exp(math.log(rr) + Z95 * se) - 1


def _has_events(arm: Tally, control: Tally) -> bool:
    return min(arm.attended, control.attended) > 0 and arm.attended < arm.sessions and \
        control.attended < control.sessions


def relative_lift(arm: Tally, control: Tally) -> tuple[float, float, float] | None:
    """Lift of the attendance rate and its 95 % interval, counted per patient (risk ratio, log scale).

    The arms hold different patients, so the variances of the two log rates add (`_log_rate_var`).
    """
    if not _has_events(arm, control):
        return None  # no interval without events and non-events in both
    v1, v0 = _log_rate_var(arm), _log_rate_var(control)
    return None if v1 is None or v0 is None else _interval(arm, control, v1 + v0)


def per_session_lift(arm: Tally, control: Tally) -> tuple[float, float, float] | None:
    """The same with every session taken as independent (delta method): too narrow when a patient's sessions are
    correlated, which they are; kept to show by how much, never reported."""
    if not _has_events(arm, control):
        return None
    a, n1, c, n0 = arm.attended, arm.sessions, control.attended, control.sessions
    return _interval(arm, control, 1 / a - 1 / n1 + 1 / c - 1 / n0)


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


@dataclass(frozen=True)
class PatientOutcome:
    """One patient's past expected visits in the experiment's window: sessions, attended, no-shows."""

    patient_id: str
    sessions: int
    attended: int
    no_shows: int


def tallies(experiment: Experiment, outcomes: Iterable[PatientOutcome]) -> dict[str, Tally]:
    """Each arm's tally; a patient's arm is recomputed from the same hash that assigned it."""
    out: dict[str, Tally] = {}
    for o in outcomes:
        arm = assign(experiment, o.patient_id).name
        out[arm] = out.get(arm, Tally()).add(o.sessions, o.attended, o.no_shows)
    return out


def summarize(experiment: Experiment, outcomes: Iterable[PatientOutcome]) -> list[ArmReport]:
    """The report of an experiment from its patients' outcomes: what `iopctl` and the dashboard show."""
    return report(experiment, tallies(experiment, outcomes))


def as_json(experiment: Experiment, rows: list[ArmReport]) -> dict[str, Any]:
    """The report as JSON: `iopctl experiments report`'s last line and the dashboard's API answer."""
    return {"experiment_id": experiment.experiment_id, "clinic_id": experiment.clinic_id, "arms": [
        {"arm": r.arm, "control": r.control, "patients": r.tally.patients, "sessions": r.tally.sessions,
         "attended_rate": round(r.attended_rate, 4), "no_show_rate": round(r.no_show_rate, 4),
         "lift": r.lift, "ci95": None if r.ci_low is None else [r.ci_low, r.ci_high]} for r in rows]}


def enrolled(experiment: Experiment, at: datetime) -> bool:
    return experiment.starts_at <= at < experiment.ends_at
