"""Quiet hours for the notifier: the shared time policy (iop_shared.quiet_hours), in the notifier's words."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from iop_shared.quiet_hours import AllowedWindow, earliest_allowed_at_or_after, is_allowed

__all__ = ["AllowedWindow", "is_allowed", "next_allowed"]


def next_allowed(at: datetime, zone: ZoneInfo, window: AllowedWindow) -> datetime:
    """The earliest instant at or after `at` when sending is allowed, in UTC."""
    return earliest_allowed_at_or_after(at, zone, window).astimezone(UTC)
