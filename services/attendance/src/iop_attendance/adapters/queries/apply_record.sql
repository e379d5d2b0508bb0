-- Keep an attendance record and bring its visit's status up to date, in one round trip; returns the visit
-- (locked by the UPDATE) or nothing while the session is unknown. The record that counts is the latest by
-- recorded_at, a positive one winning ties; the new record is added by hand because a statement does not see
-- its own inserts. The per-patient advisory lock serialises rule evaluation; it is held before the next
-- statement reads the history (the LEFT JOIN makes sure it is taken even when no visit row comes back).
WITH lock AS MATERIALIZED (
    SELECT pg_advisory_xact_lock(hashtext('risk:' || $3)) IS NULL AS locked
),
ins AS (
    INSERT INTO attendance_records (event_id, session_id, patient_id, status, recorded_at, source)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (event_id) DO NOTHING
),
latest AS (
    SELECT r.status FROM (
        SELECT status, recorded_at FROM attendance_records WHERE session_id = $2 AND patient_id = $3
        UNION ALL SELECT $4::text, $5::timestamptz
    ) AS r
    ORDER BY r.recorded_at DESC, (r.status IN ('present', 'late', 'left_early', 'excused')) DESC
    LIMIT 1
),
walk_in AS (
    INSERT INTO visits (session_id, patient_id, program_id, kind, starts_at, ends_at, due_at, expected, status)
    SELECT s.session_id, $3, s.program_id, s.kind, s.starts_at, s.ends_at, s.starts_at + $7::interval, false,
           (SELECT status FROM latest)
      FROM sessions s
     WHERE s.session_id = $2 AND NOT s.cancelled AND s.starts_at IS NOT NULL
    ON CONFLICT (session_id, patient_id) DO NOTHING
    RETURNING session_id, patient_id, program_id, kind, starts_at, ends_at, due_at, expected, status,
              missed_visit_id, missed_event_id
),
updated AS (
    UPDATE visits SET status = (SELECT status FROM latest)
     WHERE session_id = $2 AND patient_id = $3
    RETURNING session_id, patient_id, program_id, kind, starts_at, ends_at, due_at, expected, status,
              missed_visit_id, missed_event_id
)
SELECT v.* FROM lock LEFT JOIN (SELECT * FROM updated UNION ALL SELECT * FROM walk_in) AS v ON true
