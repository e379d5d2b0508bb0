-- A retraction that arrives before its miss still lands, so the miss never shows.
INSERT INTO missed_visits (visit_id, session_id, patient_id, detected_at, retracted_at)
VALUES ($1, $2, $3, $4, $4)
ON CONFLICT (visit_id) DO UPDATE
   SET retracted_at = EXCLUDED.retracted_at
 WHERE missed_visits.retracted_at IS NULL
RETURNING visit_id
