"""Server-side HTML: the page and the live fragment the SSE stream pushes, rendered from an Overview (no I/O)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, select_autoescape

from ..domain.charts import attendance_rate_chart, no_shows_chart
from ..domain.model import FlagStatus, Overview
from ..domain.summaries import by_channel, by_reason


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("iop_dashboard", "templates"), autoescape=select_autoescape(),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["words"] = lambda code: str(code).replace("_", " ")
    return env


ENV = _environment()


def _local(tz: ZoneInfo) -> dict[str, object]:
    def hm(at: datetime | None) -> str:
        return "" if at is None else at.astimezone(tz).strftime("%H:%M")

    def stamp(at: datetime | None) -> str:
        return "" if at is None else at.astimezone(tz).strftime("%a %d %b %H:%M")

    return {"hm": hm, "stamp": stamp}


def _context(overview: Overview) -> dict[str, object]:
    return {
        "o": overview,
        "channels": by_channel(overview.notifications),
        "reasons": by_reason(overview.notifications),
        "rate_chart": attendance_rate_chart(overview.weeks),
        "kind_chart": no_shows_chart(overview.no_shows),
        "FlagStatus": FlagStatus,
        **_local(ZoneInfo(overview.timezone)),
    }


def render_live(overview: Overview) -> str:
    """The part of the page that changes; the SSE stream sends it whole."""
    return ENV.get_template("live.html").render(_context(overview))


def render_page(overview: Overview, operator_id: str) -> str:
    """The whole page, with the live part already filled in."""
    return ENV.get_template("page.html").render(_context(overview), live=render_live(overview),
                                                operator_id=operator_id)
