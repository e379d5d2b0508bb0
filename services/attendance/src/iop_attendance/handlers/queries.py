"""Dashboard read models: a patient's timeline and a program's summary."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from ..adapters import assessments
from ..adapters import repository as repo
from ..adapters.db import connection
from ..domain.model import Outcome, Visit
from ..domain.ruleset import HoursBelowMinimum
from ..domain.timeline import Rates, minimum_hours, rates, week_of, weekly_hours
from .context import Context


def _rates(r: Rates) -> dict[str, Any]:
    return {"attended": r.attended, "missed": r.missed, "excused": r.excused,
            "attendance_rate": r.attendance_rate, "no_show_rate": r.no_show_rate}


def _visit(v: Visit) -> dict[str, Any]:
    return {"session_id": v.session_id, "program_id": v.program_id, "kind": v.kind, "starts_at": v.starts_at,
            "ends_at": v.ends_at, "expected": v.expected, "status": v.status, "outcome": v.outcome,
            "visit_id": v.missed_visit_id}


def _hours_params(ctx: Context) -> HoursBelowMinimum:
    for rule in ctx.rules.enabled:
        if isinstance(rule.params, HoursBelowMinimum):
            return rule.params
    return HoursBelowMinimum(kind="hours_below_minimum")


async def patient_timeline(ctx: Context, patient_id: str, start: datetime, end: datetime, limit: int,
                           offset: int, clinic_id: str | None) -> dict[str, Any] | None:
    """Visits in the period (a page), rates, and attended hours per week against the level-of-care minimum."""
    async with connection(ctx.pool) as conn:
        prof = await repo.profile(conn, patient_id)
        if clinic_id is not None and prof.clinic_id != clinic_id:
            return None
        visits = [v for v in await repo.patient_visits(conn, patient_id, start, end) if v.starts_at < end]
        scores = await assessments.by_week(conn, patient_id, start, end, prof.timezone)
    params = _hours_params(ctx)
    minimum = minimum_hours(prof.age_group, params.adult_hours, params.adolescent_hours)
    weeks = weekly_hours(visits, prof.timezone, params.left_early_credit)
    return {
        "patient_id": patient_id, "from": start, "to": end, "rates": _rates(rates(visits)),
        "minimum_weekly_hours": minimum,
        "weeks": [{"week_start": w.week_start, "scheduled_hours": w.scheduled_hours,
                   "attended_hours": w.attended_hours, "below_minimum": w.attended_hours < minimum}
                  for w in weeks],
        "scores_by_week": scores,  # additive: questionnaire totals per local week and instrument
        "total": len(visits), "limit": limit, "offset": offset,
        "visits": [_visit(v) for v in visits[offset:offset + limit]],
    }


async def program_summary(ctx: Context, program_id: str, start: datetime, end: datetime, timezone: str,
                          limit: int, offset: int, clinic_id: str | None) -> dict[str, Any]:
    """Attendance and no-show rates for the period, by session kind and by week (weeks paginated)."""
    async with connection(ctx.pool) as conn:
        visits = [v for v in await repo.program_visits(conn, program_id, start, end, clinic_id)
                  if v.outcome is not Outcome.void]
    by_kind: dict[str, list[Visit]] = defaultdict(list)
    by_week: dict[str, list[Visit]] = defaultdict(list)
    for v in visits:
        by_kind[v.kind].append(v)
        by_week[week_of(v.starts_at, timezone).isoformat()].append(v)
    weeks = sorted(by_week)
    return {
        "program_id": program_id, "from": start, "to": end, "timezone": timezone,
        "patients": len({v.patient_id for v in visits}), "sessions": len({v.session_id for v in visits}),
        "overall": _rates(rates(visits)),
        "by_kind": {k: _rates(rates(vs)) for k, vs in sorted(by_kind.items())},
        "total_weeks": len(weeks), "limit": limit, "offset": offset,
        "by_week": [{"week_start": w, **_rates(rates(by_week[w]))} for w in weeks[offset:offset + limit]],
    }
