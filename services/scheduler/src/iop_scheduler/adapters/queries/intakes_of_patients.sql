-- Each patient's intake per program ("*": across all programs), as the session upsert keeps it.
SELECT patient_id, program_key, intake_at FROM patient_intakes WHERE patient_id = ANY($1::text[])
