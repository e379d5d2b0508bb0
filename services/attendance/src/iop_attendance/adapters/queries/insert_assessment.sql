INSERT INTO assessments (assessment_id, event_id, patient_id, instrument, status, total, band, item9_positive,
                         completed_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (assessment_id) DO NOTHING
RETURNING assessment_id
