"""The overview the page and /api/overview show."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ..adapters import assessments
from ..adapters import overview_statement as statement
from ..adapters import repository as repo
from ..adapters.db import connection
from ..domain.model import Overview
from ..domain.periods import chart_period, local_day, week_starts
from ..domain.summaries import fill_kinds, fill_weeks, flags_in_order
from ..settings import Settings
from .context import Context


def overview_parts(s: Settings, now: datetime, clinics: list[str]) -> list[statement.Part]:
    """The overview's queries and their arguments for the clinics `clinics` at `now`, in the dashboard's zone."""
    tz = ZoneInfo(s.timezone)
    _, today = local_day(now, tz)
    charted = chart_period(now, tz, s.chart_weeks)
    since = today.start - timedelta(days=s.missed_window_days - 1)
    return [("today_sessions", (today.start, today.end, s.list_limit, clinics)),
            ("recent_missed", (since, s.list_limit, clinics)),
            ("unresolved_flags", (s.list_limit, clinics)),
            ("waiting_concerns", (clinics, s.list_limit)),
            ("notification_totals", (today.start, today.end, clinics)),
            ("weekly_attendance", (charted.start, charted.end, s.timezone, clinics)),
            ("no_shows_by_kind", (charted.start, charted.end, clinics)),
            ("score_trends", (clinics, charted.start, s.list_limit)),
            ("assessment_completion", (clinics, charted.start))]


async def overview(ctx: Context, clinics: tuple[str, ...]) -> Overview:
    """What the clinics `clinics` see: today's sessions and notifications, recent misses, unresolved flags,
    the triage queue and the charts, in the dashboard's zone, all as of one moment (one statement)."""
    s = ctx.settings
    now = ctx.clock.now()
    tz = ZoneInfo(s.timezone)
    day, _ = local_day(now, tz)
    async with connection(ctx.pool) as conn:
        rows = await statement.read(conn, overview_parts(s, now, list(clinics)))
    flags = [repo.flag(r) for r in rows["unresolved_flags"]]
    weeks = [repo.week_attendance(r) for r in rows["weekly_attendance"]]
    no_shows = [repo.kind_no_shows(r) for r in rows["no_shows_by_kind"]]
    return Overview(
        generated_at=now, timezone=s.timezone, day=day,
        sessions=tuple(repo.session_today(r) for r in rows["today_sessions"]),
        missed=tuple(repo.missed_visit(r) for r in rows["recent_missed"]),
        flags=tuple(flags_in_order(flags)),
        notifications=tuple(repo.notification_count(r) for r in rows["notification_totals"]),
        weeks=tuple(fill_weeks(week_starts(now, tz, s.chart_weeks), weeks)), no_shows=tuple(fill_kinds(no_shows)),
        concerns=tuple(repo.concern(r) for r in rows["waiting_concerns"]), clinics=clinics,
        scores=tuple(assessments.score_trend(r) for r in rows["score_trends"]),
        completion=tuple(assessments.completion_row(r) for r in rows["assessment_completion"]))
