-- Bring the status of each (session, patient) pair's visit up to date with its records and return the visits
-- (locked by the UPDATE). The record that counts is the latest by recorded_at; at equal times a positive record
-- wins. A record at a known, not cancelled session without a visit row is a walk-in: it gets a row that is not
-- expected (NOT EXISTS spares the usual case, a row already there, the cost of a speculative insert).
-- $1/$2 are the pairs' session and patient ids, $3 the grace after the start (the due time).
WITH pairs AS (
    SELECT DISTINCT session_id, patient_id FROM unnest($1::text[], $2::text[]) AS t(session_id, patient_id)
),
latest AS (
    SELECT DISTINCT ON (r.session_id, r.patient_id) r.session_id, r.patient_id, r.status
      FROM attendance_records r JOIN pairs USING (session_id, patient_id)
     ORDER BY r.session_id, r.patient_id, r.recorded_at DESC,
              (r.status IN ('present', 'late', 'left_early', 'excused')) DESC
),
walk_in AS (
    INSERT INTO visits (session_id, patient_id, program_id, kind, starts_at, ends_at, due_at, expected, status)
    SELECT s.session_id, l.patient_id, s.program_id, s.kind, s.starts_at, s.ends_at, s.starts_at + $3::interval,
           false, l.status
      FROM latest l JOIN sessions s ON s.session_id = l.session_id
     WHERE NOT s.cancelled AND s.starts_at IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM visits x WHERE x.session_id = l.session_id AND x.patient_id = l.patient_id)
    ON CONFLICT (session_id, patient_id) DO NOTHING
    RETURNING session_id, patient_id, program_id, kind, starts_at, ends_at, due_at, expected, status,
              missed_visit_id, missed_event_id
),
updated AS (
    UPDATE visits AS v SET status = l.status
      FROM latest l
     WHERE v.session_id = l.session_id AND v.patient_id = l.patient_id
    RETURNING v.session_id, v.patient_id, v.program_id, v.kind, v.starts_at, v.ends_at, v.due_at, v.expected,
              v.status, v.missed_visit_id, v.missed_event_id
)
SELECT * FROM updated UNION ALL SELECT * FROM walk_in
ORDER BY patient_id, session_id
