-- visit_missed for many visits at once (each id at most once per call).
INSERT INTO missed_visits (visit_id, session_id, patient_id, detected_at)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) ORDER BY 1
ON CONFLICT (visit_id) DO NOTHING
RETURNING visit_id
