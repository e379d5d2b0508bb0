"""Frequency caps per patient for non-urgent automated messages (FCC healthcare exemption: 1 a day, 3 a week)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Caps:
    per_day: int = 1
    per_week: int = 3


def cap_reached(at: datetime, prior_sends: Iterable[datetime], zone: ZoneInfo, caps: Caps) -> bool:
    """True when one more non-urgent message at `at` would exceed the day or the week cap.

    Days are the recipient's local calendar days; weeks are local ISO weeks (Monday to Sunday).
    """
    local = at.astimezone(zone)
    week = local.isocalendar()[:2]
    day_count = week_count = 0
    for sent in prior_sends:
        sent_local = sent.astimezone(zone)
        if sent_local.isocalendar()[:2] == week:
            week_count += 1
            if sent_local.date() == local.date():
                day_count += 1
    return day_count >= caps.per_day or week_count >= caps.per_week
