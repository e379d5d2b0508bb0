"""Reminder experiments' cadence arms: which sessions of a patient an arm's offsets apply to, and which offsets.

An arm's `cadence` (e.g. ["72h", "24h", "2h"]) replaces the offsets before a first session (or one after the
gap), and its offsets no longer than the default each-session offset (else its nearest one) the reminders before
each later unconfirmed session. The defaults follow the same rule (72h + 24h, then 24h), so an arm of
["72h", "24h"] plans exactly what the control does. The control arm, and an arm without a cadence, keep the
default. Pure: the patient's arm is the experiment's hash, so it never changes and needs no stored state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from iop_shared.durations import parse_duration
from iop_shared.experiments import Experiment, assign

from .model import SessionView


@dataclass(frozen=True)
class ArmCadence:
    """An arm's offsets for the patient's sessions starting in [starts_at, ends_at) (and of `programs`, if any)."""

    experiment_id: str
    arm: str
    offsets: tuple[timedelta, ...]
    starts_at: datetime
    ends_at: datetime
    programs: frozenset[str] = frozenset()

    def covers(self, session: SessionView, program_id: str | None) -> bool:
        in_window = self.starts_at <= session.starts_at < self.ends_at
        return in_window and (not self.programs or program_id in self.programs)


def cadence_offsets(cadence: Sequence[str]) -> tuple[timedelta, ...]:
    """An arm's cadence as offsets, longest first; ValueError for one that is not a positive duration."""
    offsets = sorted({parse_duration(c) for c in cadence}, reverse=True)
    if any(o <= timedelta(0) for o in offsets):
        raise ValueError("an arm's cadence offsets must be positive")
    return tuple(offsets)


def cadences_of(experiments: Iterable[Experiment], patient_id: str, clinic_id: str | None) -> tuple[ArmCadence, ...]:
    """The cadence arms the patient is in: experiments of their clinic whose assigned arm sets a cadence."""
    out = []
    for e in experiments:
        if clinic_id is None or e.clinic_id != clinic_id:
            continue
        arm = assign(e, patient_id)
        if arm.cadence and not arm.control:
            out.append(ArmCadence(e.experiment_id, arm.name, cadence_offsets(arm.cadence), e.starts_at, e.ends_at,
                                  frozenset(e.programs)))
    return tuple(out)


def session_offsets(cadences: Sequence[ArmCadence], sessions: Iterable[SessionView],
                    programs: Mapping[str, str | None]) -> dict[str, tuple[timedelta, ...]]:
    """Session id -> the offsets of the first arm covering it; sessions of no arm are absent (the default)."""
    out: dict[str, tuple[timedelta, ...]] = {}
    for s in sessions:
        arm = next((c for c in cadences if c.covers(s, programs.get(s.session_id))), None)
        if arm is not None:
            out[s.session_id] = arm.offsets
    return out


def later_offsets(arm: Sequence[timedelta], each_session: timedelta) -> list[timedelta]:
    """An arm's reminders before a later unconfirmed session: its offsets within the default one, else its nearest."""
    within = [o for o in arm if o <= each_session]
    return within or [min(arm)]
