"""The dashboard bench's read model at network size, and the overview's queries under EXPLAIN ANALYZE (bench helper).

The seeded network: `patients` patients in clinics of `per_clinic`, groups of 10 meeting every other day for
`weeks` weeks up to today (attendance recorded, absences missed), a few open flags and concerns, today's
notification counts. Written straight into the read model's tables: what is measured here is the read.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from iop_dashboard.adapters.sql import q
from iop_dashboard.domain.periods import chart_period, local_day
from iop_dashboard.settings import Settings

SEED = [
    """INSERT INTO patients (patient_id, clinic_id, care_team_id, revision)
       SELECT 'rp' || i, 'rc' || (i / {per_clinic}), 'team-rc' || (i / {per_clinic}), 1
         FROM generate_series(0, {patients} - 1) i""",
    # Session k of group g starts k * 2 days before today's 15:00 (k = 0 is today).
    """INSERT INTO sessions (session_id, clinic_id, program_id, kind, starts_at, ends_at, revision)
       SELECT 'rs' || g || '-' || k, 'rc' || (g * 10 / {per_clinic}), 'prog' || (g % 5), 'group',
              {start} - k * interval '2 days', {start} - k * interval '2 days' + interval '3 hours', 1
         FROM generate_series(0, {patients} / 10 - 1) g, generate_series(0, {weeks} * 7 / 2) k""",
    """INSERT INTO expected_attendees (session_id, patient_id)
       SELECT 'rs' || g || '-' || k, 'rp' || (g * 10 + m)
         FROM generate_series(0, {patients} / 10 - 1) g, generate_series(0, {weeks} * 7 / 2) k,
              generate_series(0, 9) m""",
    """INSERT INTO attendance (session_id, patient_id, status, recorded_at)
       SELECT e.session_id, e.patient_id,
              (ARRAY['present','present','present','present','present','present','late','left_early','absent',
                     'excused'])[1 + abs(hashtext(e.session_id || e.patient_id)) % 10], s.starts_at
         FROM expected_attendees e JOIN sessions s USING (session_id)
        WHERE s.starts_at < {now} AND e.session_id LIKE 'rs%'""",
    """INSERT INTO missed_visits (visit_id, session_id, patient_id, detected_at)
       SELECT 'rv-' || a.session_id || '-' || a.patient_id, a.session_id, a.patient_id, s.starts_at + interval '1 hour'
         FROM attendance a JOIN sessions s USING (session_id)
        WHERE a.status = 'absent' AND a.session_id LIKE 'rs%'""",
    # What the projection keeps per session (as migration 0004 backfills it).
    """INSERT INTO session_counts
       SELECT s.session_id, count(e.patient_id),
              count(*) FILTER (WHERE a.status = 'present'), count(*) FILTER (WHERE a.status = 'late'),
              count(*) FILTER (WHERE a.status = 'left_early'), count(*) FILTER (WHERE a.status = 'absent'),
              count(*) FILTER (WHERE a.status = 'excused'),
              (SELECT count(*) FROM missed_visits m WHERE m.session_id = s.session_id AND m.retracted_at IS NULL)
         FROM sessions s
         LEFT JOIN expected_attendees e ON e.session_id = s.session_id
         LEFT JOIN attendance a ON a.session_id = e.session_id AND a.patient_id = e.patient_id
        WHERE s.session_id LIKE 'rs%'
        GROUP BY s.session_id""",
    """INSERT INTO risk_flags (flag_id, patient_id, care_team_id, severity, rule, reasons, raised_at, status,
                               status_rank)
       SELECT 'rf' || i, 'rp' || i, 'team', 'medium', 'consecutive_misses_2', '{{}}', {now} - i * interval '1 minute',
              'open', 1 FROM generate_series(0, {patients} - 1, 50) i""",
    """INSERT INTO concerns (concern_id, patient_id, received_at)
       SELECT 'rq' || i, 'rp' || i, {now} - i * interval '1 second' FROM generate_series(0, {patients} - 1, 200) i""",
    """INSERT INTO notification_counts (hour, clinic_id, outcome, channel, reason, n)
       SELECT date_trunc('hour', {now} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', 'rc' || c, o, 'sms', '', 100
         FROM generate_series(0, {patients} / {per_clinic} - 1) c, unnest(ARRAY['sent', 'delivered', 'failed']) o""",
]


async def seed(conn: asyncpg.Connection, patients: int, per_clinic: int, weeks: int, now: datetime) -> None:
    """The network above, in the schema on `conn`'s search path."""
    start = now.replace(hour=15, minute=0, second=0, microsecond=0)
    # Literals, not parameters: generated integers and instants, and generate_series plans better with constants.
    values = {"patients": int(patients), "per_clinic": int(per_clinic), "weeks": int(weeks),
              "start": f"'{start.isoformat()}'::timestamptz", "now": f"'{now.isoformat()}'::timestamptz"}
    for statement in SEED:
        await conn.execute(statement.format(**values))
    await conn.execute("ANALYZE")


def overview_queries(s: Settings, now: datetime, clinics: list[str]) -> list[tuple[str, tuple[Any, ...]]]:
    """The overview's statements and arguments, as handlers.queries.overview runs them."""
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
            ("no_shows_by_kind", (charted.start, charted.end, clinics))]


async def explain(conn: asyncpg.Connection, s: Settings, now: datetime, clinics: list[str]) -> dict[str, float]:
    """Execution time (ms) of each overview statement, by EXPLAIN ANALYZE."""
    out: dict[str, float] = {}
    for name, args in overview_queries(s, now, clinics):
        plan = await conn.fetchval(f"EXPLAIN (ANALYZE, FORMAT JSON) {q(name)}", *args)
        out[name] = round(float(json.loads(plan)[0]["Execution Time"]), 2)
    return out
