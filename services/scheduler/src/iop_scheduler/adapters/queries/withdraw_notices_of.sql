-- withdraw_session_notices for (session, patient) pairs: superseded or no longer about the patient.
UPDATE reminders AS r SET status = 'cancelled', skip_reason = 'superseded'
FROM unnest($1::text[], $2::text[]) AS v(session_id, patient_id)
WHERE r.status = 'pending' AND r.kind = 'notice' AND r.session_ids @> ARRAY[v.session_id]
  AND r.patient_id = v.patient_id
