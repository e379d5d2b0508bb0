"""Bar-chart geometry for inline SVG, computed here so templates only draw and tests need no browser."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .model import KindNoShows, WeekAttendance

WIDTH = 480
HEIGHT = 200
PLOT_TOP = 16
PLOT_BOTTOM = 160  # below it: the category labels


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class BarChart:
    """Bars in a WIDTH x HEIGHT viewBox; `summary` reads the values out for screen readers."""

    title: str
    bars: tuple[Bar, ...]
    summary: str
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = PLOT_BOTTOM


def bar_chart(title: str, points: Sequence[tuple[str, float | None, str]], top: float) -> BarChart:
    """One bar per (label, value, value text); values scale against `top`; None draws no bar, marked '–'."""
    slot = WIDTH / max(1, len(points))
    usable = PLOT_BOTTOM - PLOT_TOP
    bars = []
    for i, (label, value, text) in enumerate(points):
        share = 0.0 if value is None or top <= 0 else max(0.0, min(1.0, value / top))
        height = round(usable * share, 1)
        bars.append(Bar(label=label, value_text="–" if value is None else text, x=round(i * slot + slot * 0.15, 1),
                        y=round(PLOT_BOTTOM - height, 1), width=round(slot * 0.7, 1), height=height))
    summary = "; ".join(f"{label}: {text}" for label, _, text in points) or "no data"
    return BarChart(title=title, bars=tuple(bars), summary=summary)


def attendance_rate_chart(weeks: Sequence[WeekAttendance]) -> BarChart:
    """Attendance rate per week, 0-100 %."""
    points = [(w.week_start.strftime("%b %d"), w.rate, "no sessions" if w.rate is None else f"{w.rate:.0%}")
              for w in weeks]
    return bar_chart("Attendance rate by week", points, top=1.0)


def no_shows_chart(rows: Sequence[KindNoShows]) -> BarChart:
    """Missed visits per session kind, scaled to the largest."""
    top = float(max((r.count for r in rows), default=0))
    return bar_chart("No-shows by session kind", [(r.kind, float(r.count), str(r.count)) for r in rows], top=top)
