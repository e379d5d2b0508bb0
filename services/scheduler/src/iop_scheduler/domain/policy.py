"""The reminder policy: every cadence, quiet-hours and cap default of DOMAIN.md as data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time, timedelta

from iop_shared.quiet_hours import AllowedWindow

from .cadence import EVERY_PROGRAM, CadenceStep

# The window in which messages may go out (start inclusive, end exclusive, may wrap midnight): the shared policy.
QuietHours = AllowedWindow


@dataclass(frozen=True)
class Policy:
    """How reminders are planned; built from Settings, defaults from DESIGN.md section 4 and DOMAIN.md."""

    first_offsets: tuple[timedelta, ...] = (timedelta(hours=72), timedelta(hours=24))
    gap: timedelta = timedelta(days=7)
    each_session_offset: timedelta | None = timedelta(hours=24)
    weekly_min_sessions: int = 2
    weekly_weekday: int = 6  # Sunday (Monday is 0), the day before the week it announces
    weekly_time: time = time(18, 0)
    same_day_offset: timedelta | None = None  # off by default; 2h when enabled
    checkin_time: time | None = time(19, 0)
    checkin_cadence: tuple[CadenceStep, ...] = ()  # every program's ("*"); empty: the neutral 0-10 prompt
    # Programs with their own schedule (program id, steps), sorted by id; the others follow checkin_cadence.
    program_cadences: tuple[tuple[str, tuple[CadenceStep, ...]], ...] = ()
    quiet_hours: QuietHours = field(default_factory=QuietHours)
    cap_per_day: int = 1  # 0 disables the cap
    cap_per_week: int = 3  # 0 disables the cap
    urgent_within: timedelta = timedelta(hours=48)
    change_settle: timedelta = timedelta(seconds=60)  # a moved/cancelled notice waits this long for newer changes
    history_window: timedelta = timedelta(days=8)
    horizon: timedelta = timedelta(days=60)

    def __post_init__(self) -> None:
        if not 0 <= self.weekly_weekday <= 6:
            raise ValueError("weekly_weekday must be 0 (Monday) to 6 (Sunday)")
        if any(o <= timedelta(0) for o in self.first_offsets):
            raise ValueError("reminder offsets must be positive")
        if any(program == EVERY_PROGRAM for program, _ in self.program_cadences):
            raise ValueError("program_cadences holds named programs; the every-program one is checkin_cadence")

    def cadences(self) -> dict[str, tuple[CadenceStep, ...]]:
        """Every configured schedule by program id, the every-program one under "*"."""
        return {EVERY_PROGRAM: self.checkin_cadence, **dict(self.program_cadences)}
