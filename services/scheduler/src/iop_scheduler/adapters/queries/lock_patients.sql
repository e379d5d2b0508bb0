-- Make sure the plan lock rows of all these patients exist (a session may arrive before its patient).
INSERT INTO patients (patient_id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING
