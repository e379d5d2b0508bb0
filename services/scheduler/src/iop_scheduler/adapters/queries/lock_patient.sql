-- Make sure the per-patient plan lock row exists (a session may arrive before its patient).
INSERT INTO patients (patient_id) VALUES ($1) ON CONFLICT DO NOTHING
