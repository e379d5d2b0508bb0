"""Server-side HTML: the page and the live fragment the SSE stream pushes, rendered from an Overview (no I/O)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, select_autoescape

from ..domain.charts import attendance_rate_chart, no_shows_chart
from ..domain.model import FlagStatus, Overview
from ..domain.summaries import by_channel, by_reason
from ..domain.users import User

if TYPE_CHECKING:
    from ..adapters.notifier import OpenedConcern


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


def age(waited: timedelta) -> str:
    """How long a concern has waited, as a person says it: '4 min', '2 h 05 min', '3 d 4 h'."""
    minutes = max(0, int(waited.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 24 * 60:
        return f"{minutes // 60} h {minutes % 60:02d} min"
    return f"{minutes // (24 * 60)} d {minutes % (24 * 60) // 60} h"


def _context(overview: Overview, csrf: str = "") -> dict[str, object]:
    return {
        "o": overview,
        "channels": by_channel(overview.notifications),
        "reasons": by_reason(overview.notifications),
        "rate_chart": attendance_rate_chart(overview.weeks),
        "kind_chart": no_shows_chart(overview.no_shows),
        "FlagStatus": FlagStatus,
        "age": lambda at: age(overview.generated_at - at),
        "csrf": csrf,
        **_local(ZoneInfo(overview.timezone)),
    }


def render_live(overview: Overview, csrf: str = "") -> str:
    """The part of the page that changes; the SSE stream sends it whole, shared by every user of the same clinics,
    so without a CSRF token (the script sends the page's token in a header)."""
    return ENV.get_template("live.html").render(_context(overview, csrf))


def render_page(overview: Overview, user: User, csrf: str) -> str:
    """The whole page, with the live part already filled in (its forms carry the token: they work without script)."""
    return ENV.get_template("page.html").render(_context(overview, csrf), live=render_live(overview, csrf),
                                                user=user)


def render_login(csrf: str, error: str | None) -> str:
    """The development sign-in form."""
    return ENV.get_template("login.html").render(csrf=csrf, error=error)


def render_concern(opened: OpenedConcern, user: User, csrf: str, timezone: str) -> str:
    """A concern's text, for the user who opened it (the page without JavaScript)."""
    return ENV.get_template("concern.html").render(c=opened, user=user, csrf=csrf, **_local(ZoneInfo(timezone)))


def _pct(x: float | None) -> str:
    return "" if x is None else f"{x * 100:+.1f}%"


def render_experiments(reports: list[dict[str, object]], user: User) -> str:
    """The experiments page: per arm the numbers of `iopctl experiments report` (the same JSON)."""
    return ENV.get_template("experiments.html").render(reports=reports, user=user, pct=_pct)
