SELECT patient_id, assessment_id, event_id, instrument, status, total, band, item9_positive, completed_at
FROM assessments
WHERE patient_id = ANY($1::text[]) AND completed_at >= $2
ORDER BY patient_id, completed_at, assessment_id
