SELECT session_id, patient_id, program_id, kind, starts_at, ends_at, due_at, expected, status,
       missed_visit_id, missed_event_id
  FROM visits
 WHERE patient_id = $1 AND starts_at >= $2 AND starts_at <= $3
 ORDER BY starts_at, session_id
