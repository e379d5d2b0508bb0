SELECT session_id, patient_id, program_id, kind, starts_at, ends_at, due_at, expected, status,
       missed_visit_id, missed_event_id
  FROM visits WHERE session_id = $1 AND ($2::text IS NULL OR patient_id = $2)
 ORDER BY patient_id
 FOR UPDATE
