UPDATE visits SET missed_visit_id = $3, missed_event_id = $4, missed_at = $5
 WHERE session_id = $1 AND patient_id = $2
