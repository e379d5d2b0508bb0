-- Due timers; SKIP LOCKED lets several replicas sweep at once without taking the same row.
SELECT session_id, patient_id, program_id, kind, starts_at, ends_at, due_at, expected, status,
       missed_visit_id, missed_event_id
  FROM visits
 WHERE expected AND missed_visit_id IS NULL AND (status IS NULL OR status = 'absent') AND due_at <= $1
 ORDER BY due_at
 LIMIT $2
 FOR UPDATE SKIP LOCKED
