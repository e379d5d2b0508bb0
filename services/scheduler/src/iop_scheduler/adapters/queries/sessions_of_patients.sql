-- sessions_of_patient for many patients at once: each patient's sessions in the window, of their own clinic
-- only ($4, NULL while the patient is not known yet).
SELECT v.patient_id AS for_patient, s.session_id, s.clinic_id, s.starts_at, s.ends_at, s.timezone, s.attendees,
       s.revision, s.cancelled, s.program_id
FROM unnest($1::text[], $4::text[]) AS v(patient_id, clinic_id)
JOIN sessions s ON s.attendees @> ARRAY[v.patient_id]
WHERE NOT s.cancelled AND s.starts_at >= $2 AND s.starts_at < $3
  AND (v.clinic_id IS NULL OR s.clinic_id = v.clinic_id)
