"""A real clock that a test can move forward (to reach the end of quiet hours or an escalation)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class ShiftableClock:
    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, by: timedelta) -> None:
        self.offset += by
