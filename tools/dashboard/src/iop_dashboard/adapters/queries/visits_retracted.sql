-- visit_retracted for many visits at once (each id at most once per call).
INSERT INTO missed_visits (visit_id, session_id, patient_id, detected_at, retracted_at)
SELECT v, s, p, d, d FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) AS t(v, s, p, d) ORDER BY 1
ON CONFLICT (visit_id) DO UPDATE
   SET retracted_at = EXCLUDED.retracted_at
 WHERE missed_visits.retracted_at IS NULL
RETURNING visit_id
