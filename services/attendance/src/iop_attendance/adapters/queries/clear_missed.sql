UPDATE visits SET missed_visit_id = NULL, missed_event_id = NULL, missed_at = NULL
 WHERE session_id = $1 AND patient_id = $2
