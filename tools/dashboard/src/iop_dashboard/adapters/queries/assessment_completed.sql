INSERT INTO assessments (assessment_id, patient_id, instrument, status, total, item9_positive, completed_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (assessment_id) DO NOTHING
RETURNING assessment_id
