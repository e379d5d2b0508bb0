INSERT INTO confirmations (patient_id, session_id, confirmed_at)
SELECT $1, unnest($2::text[]), $3
ON CONFLICT DO NOTHING
