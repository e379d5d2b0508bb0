"""The overview the page and /api/overview show."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from ..adapters import assessments
from ..adapters import repository as repo
from ..adapters.db import connection
from ..domain.model import Overview
from ..domain.periods import chart_period, local_day, week_starts
from ..domain.summaries import fill_kinds, fill_weeks, flags_in_order
from .context import Context


async def overview(ctx: Context, clinics: tuple[str, ...]) -> Overview:
    """What the clinics `clinics` see: today's sessions and notifications, recent misses, unresolved flags,
    the triage queue and the charts, in the dashboard's zone."""
    ids = list(clinics)
    s = ctx.settings
    now = ctx.clock.now()
    tz = ZoneInfo(s.timezone)
    day, today = local_day(now, tz)
    charted = chart_period(now, tz, s.chart_weeks)
    async with connection(ctx.pool) as conn:
        sessions = await repo.today_sessions(conn, today, s.list_limit, ids)
        since = today.start - timedelta(days=s.missed_window_days - 1)
        missed = await repo.recent_missed(conn, since, s.list_limit, ids)
        flags = await repo.unresolved_flags(conn, s.list_limit, ids)
        concerns = await repo.waiting_concerns(conn, ids, s.list_limit)
        counts = await repo.notification_totals(conn, today, ids)
        weeks = await repo.weekly_attendance(conn, charted, s.timezone, ids)
        no_shows = await repo.no_shows_by_kind(conn, charted, ids)
        scores = await assessments.score_trends(conn, ids, charted.start, s.list_limit)
        completion = await assessments.completion(conn, ids, charted.start)
    return Overview(
        generated_at=now, timezone=s.timezone, day=day, sessions=tuple(sessions), missed=tuple(missed),
        flags=tuple(flags_in_order(flags)), notifications=tuple(counts),
        weeks=tuple(fill_weeks(week_starts(now, tz, s.chart_weeks), weeks)), no_shows=tuple(fill_kinds(no_shows)),
        concerns=tuple(concerns), clinics=clinics, scores=tuple(scores), completion=tuple(completion))
