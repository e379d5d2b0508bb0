UPDATE visits AS v SET missed_visit_id = NULL, missed_event_id = NULL, missed_at = NULL
  FROM unnest($1::text[], $2::text[]) AS m(session_id, patient_id)
 WHERE v.session_id = m.session_id AND v.patient_id = m.patient_id
