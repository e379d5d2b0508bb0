INSERT INTO concerns (concern_id, patient_id, received_at)
VALUES ($1, $2, $3)
ON CONFLICT (concern_id) DO NOTHING
RETURNING concern_id
