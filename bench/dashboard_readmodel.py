"""The dashboard bench's read model at network size, and the overview's queries under EXPLAIN ANALYZE (bench helper).

The seeded network: `patients` patients in clinics of `per_clinic`, groups of 10 meeting every other day for
`weeks` weeks up to today (attendance recorded, absences missed), a few open flags and concerns, today's
notification counts, a weekly check-in per patient. Written straight into the read model's tables: what is measured
here is the read.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import asyncpg

from iop_dashboard.adapters import overview_statement
from iop_dashboard.adapters.sql import q
from iop_dashboard.handlers.queries import overview_parts
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
    """INSERT INTO expected_attendees (session_id, patient_id, starts_at, program_id)
       SELECT 'rs' || g || '-' || k, 'rp' || (g * 10 + m), {start} - k * interval '2 days', 'prog' || (g % 5)
         FROM generate_series(0, {patients} / 10 - 1) g, generate_series(0, {weeks} * 7 / 2) k,
              generate_series(0, 9) m""",
    # Generated from the same series as the rosters (a join of millions of rows would take minutes).
    """INSERT INTO attendance (session_id, patient_id, status, recorded_at)
       SELECT sid, pid, (ARRAY['present', 'present', 'present', 'present', 'present', 'present', 'late', 'left_early',
                               'absent', 'excused'])[1 + abs(hashtext(sid || pid)) % 10], at
         FROM (SELECT 'rs' || g || '-' || k AS sid, 'rp' || (g * 10 + m) AS pid,
                      {start} - k * interval '2 days' AS at
                 FROM generate_series(0, {patients} / 10 - 1) g, generate_series(0, {weeks} * 7 / 2) k,
                      generate_series(0, 9) m) AS v
        WHERE at < {now}""",
    # Each miss with its patient's clinic and its session's kind, as the projection keeps them (migration 0007).
    """INSERT INTO missed_visits (visit_id, session_id, patient_id, detected_at, clinic_id, kind)
       SELECT 'rv-' || a.session_id || '-' || a.patient_id, a.session_id, a.patient_id,
              a.recorded_at + interval '1 hour', p.clinic_id, s.kind
         FROM attendance a JOIN patients p USING (patient_id) JOIN sessions s USING (session_id)
        WHERE a.status = 'absent' AND a.session_id LIKE 'rs%'""",
    # What the projection keeps per session (as migration 0004 backfills it); every absence was missed.
    """INSERT INTO session_counts
       SELECT s.session_id, s.clinic_id, s.starts_at, s.cancelled, 10, COALESCE(a.present, 0), COALESCE(a.late, 0),
              COALESCE(a.left_early, 0),
              COALESCE(a.absent, 0), COALESCE(a.excused, 0), COALESCE(a.absent, 0)
         FROM sessions s
         LEFT JOIN (SELECT session_id, count(*) FILTER (WHERE status = 'present') AS present,
                           count(*) FILTER (WHERE status = 'late') AS late,
                           count(*) FILTER (WHERE status = 'left_early') AS left_early,
                           count(*) FILTER (WHERE status = 'absent') AS absent,
                           count(*) FILTER (WHERE status = 'excused') AS excused
                      FROM attendance WHERE session_id LIKE 'rs%' GROUP BY session_id) AS a USING (session_id)
        WHERE s.session_id LIKE 'rs%'""",
    """INSERT INTO risk_flags (flag_id, patient_id, care_team_id, severity, rule, reasons, raised_at, status,
                               status_rank)
       SELECT 'rf' || i, 'rp' || i, 'team', 'medium', 'consecutive_misses_2', '{{}}', {now} - i * interval '1 minute',
              'open', 1 FROM generate_series(0, {patients} - 1, 50) i""",
    """INSERT INTO concerns (concern_id, patient_id, received_at)
       SELECT 'rq' || i, 'rp' || i, {now} - i * interval '1 second' FROM generate_series(0, {patients} - 1, 200) i""",
    # A weekly PHQ-9 check-in per patient, one in eight expired (score trends and completion by program).
    """INSERT INTO assessments (assessment_id, patient_id, instrument, status, total, item9_positive, completed_at)
       SELECT 'ra' || i || '-' || w, 'rp' || i, 'phq9', CASE WHEN (i + w) % 8 = 0 THEN 'expired' ELSE 'completed' END,
              (i + w) % 28, false, {now} - w * interval '7 days' - (i % 7) * interval '1 day'
         FROM generate_series(0, {patients} - 1) i, generate_series(0, {weeks} - 1) w""",
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
    # Vacuumed as autovacuum leaves a read model at rest: most pages all-visible, so index-only reads skip the table.
    await conn.execute("VACUUM ANALYZE")


async def explain(conn: asyncpg.Connection, s: Settings, now: datetime, clinics: list[str]) -> dict[str, float]:
    """Execution time (ms) of each overview query alone, and of all as the one statement the overview runs
    (`overview_statement`), by EXPLAIN ANALYZE."""
    parts = overview_parts(s, now, clinics)
    await overview_statement.read(conn, parts)  # loads the codecs and column names the statement needs
    out: dict[str, float] = {}
    for name, args in parts:
        out[name] = await _executed_ms(conn, q(name), args)
    names = tuple(name for name, _ in parts)
    types = tuple(sorted({t for name in names for t in overview_statement.described(name)[1]}))
    out["overview_statement"] = await _executed_ms(conn, overview_statement.statement(names, types),
                                                   tuple(a for _, args in parts for a in args))
    return out


async def _executed_ms(conn: asyncpg.Connection, sql: str, args: tuple[Any, ...]) -> float:
    plan = await conn.fetchval(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", *args)
    return round(float(json.loads(plan)[0]["Execution Time"]), 2)
