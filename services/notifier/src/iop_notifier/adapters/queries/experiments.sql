-- name: record_arm
INSERT INTO experiment_sends (request_id, experiment_id, arm, patient_id, decided_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (request_id) DO NOTHING;
