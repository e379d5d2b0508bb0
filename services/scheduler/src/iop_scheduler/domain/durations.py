"""Durations as the planner names them in ids (settings parse them with `iop_shared.durations`)."""

from __future__ import annotations

from datetime import timedelta


def format_duration(value: timedelta) -> str:
    """A compact, stable label for ids: seconds with an 's'."""
    return f"{int(value.total_seconds())}s"
