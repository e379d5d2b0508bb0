"""A program's instrument cadence: which check-in a day's prompt opens, counted from the patient's intake."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from .localtime import local_day
from .model import PlanInput, SessionView


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


EVERY_PROGRAM = "*"  # the schedule of a program without its own (and of sessions with no program)


def cadence_key(program_id: str | None, schedules: Mapping[str, Sequence[CadenceStep]]) -> str:
    """The schedule a session of `program_id` follows: its program's own when configured, else the "*" one."""
    return program_id if program_id is not None and program_id in schedules else EVERY_PROGRAM


def prompt_kind(schedules: Mapping[str, Sequence[CadenceStep]], intakes: Mapping[str, date], keys: Iterable[str],
                day: date) -> str | None:
    """The check-in a day's prompt opens: the day's schedules in key order ("*" last), the first step due wins.

    A program's own schedule counts from the patient's intake in that program, so a patient who also attends
    another program never shifts it; the "*" schedule counts from the patient's intake in any program.
    """
    for key in sorted(set(keys), key=lambda k: (k == EVERY_PROGRAM, k)):
        intake = intakes.get(key)
        kind = checkin_kind(schedules.get(key, ()), intake, day) if intake is not None else None
        if kind is not None:
            return kind
    return None


def intake_days(inp: PlanInput, schedules: Mapping[str, Sequence[CadenceStep]],
                sessions: Iterable[SessionView]) -> dict[str, date]:
    """Each schedule's intake day: the stored intake, or an earlier session read (not yet stored) when there is one.

    The stored intake is the earliest session ever seen, so a planning window that moves forward never moves it.
    """
    starts: dict[str, datetime] = {}
    for key, at in inp.intakes.items():
        if key in schedules:
            starts[key] = at
    for s in sessions:
        for key in {EVERY_PROGRAM, cadence_key(s.program_id, schedules)}:
            if key not in starts or s.starts_at < starts[key]:
                starts[key] = s.starts_at
    return {key: local_day(at, inp.zone) for key, at in starts.items()}
