-- Expected visits of a program in a period, for its summary.
SELECT v.session_id, v.patient_id, v.program_id, v.kind, v.starts_at, v.ends_at, v.due_at, v.expected, v.status,
       v.missed_visit_id, v.missed_event_id
  FROM visits v JOIN sessions s USING (session_id)
 WHERE v.program_id = $1 AND v.starts_at >= $2 AND v.starts_at < $3 AND ($4::text IS NULL OR s.clinic_id = $4)
