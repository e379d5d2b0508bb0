-- The owning clinic of each known patient (a placeholder a session created has none yet).
SELECT patient_id, clinic_id FROM patients WHERE patient_id = ANY ($1::text[]) AND clinic_id IS NOT NULL
