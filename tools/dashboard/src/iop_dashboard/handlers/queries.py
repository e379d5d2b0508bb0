"""The overview the page and /api/overview show."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from ..adapters import repository as repo
from ..adapters.db import connection
from ..domain.model import Overview
from ..domain.periods import chart_period, local_day, week_starts
from ..domain.summaries import fill_kinds, fill_weeks, flags_in_order
from .context import Context


async def overview(ctx: Context) -> Overview:
    """Today's sessions and notifications, recent misses, unresolved flags and the charts, in the clinic's zone."""
    s = ctx.settings
    now = ctx.clock.now()
    tz = ZoneInfo(s.timezone)
    day, today = local_day(now, tz)
    charted = chart_period(now, tz, s.chart_weeks)
    async with connection(ctx.pool) as conn:
        sessions = await repo.today_sessions(conn, today, s.list_limit)
        missed = await repo.recent_missed(conn, today.start - timedelta(days=s.missed_window_days - 1), s.list_limit)
        flags = await repo.unresolved_flags(conn, s.list_limit)
        counts = await repo.notification_totals(conn, today)
        weeks = await repo.weekly_attendance(conn, charted, s.timezone)
        no_shows = await repo.no_shows_by_kind(conn, charted)
    return Overview(
        generated_at=now, timezone=s.timezone, day=day, sessions=tuple(sessions), missed=tuple(missed),
        flags=tuple(flags_in_order(flags)), notifications=tuple(counts),
        weeks=tuple(fill_weeks(week_starts(now, tz, s.chart_weeks), weeks)), no_shows=tuple(fill_kinds(no_shows)))
