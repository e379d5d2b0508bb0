UPDATE visits AS v SET missed_visit_id = m.visit_id, missed_event_id = m.event_id, missed_at = $5
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS m(session_id, patient_id, visit_id, event_id)
 WHERE v.session_id = m.session_id AND v.patient_id = m.patient_id
