INSERT INTO missed_visits (visit_id, session_id, patient_id, detected_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (visit_id) DO NOTHING
RETURNING visit_id
