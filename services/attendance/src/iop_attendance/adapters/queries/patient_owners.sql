-- The owning clinic of each known patient.
SELECT patient_id, clinic_id FROM patients WHERE patient_id = ANY ($1::text[])
