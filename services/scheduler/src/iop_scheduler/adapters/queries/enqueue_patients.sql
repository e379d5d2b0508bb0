-- These patients owe a replan (written with the session events' inbox claims; rows taken in id order).
INSERT INTO replan_queue (patient_id, fallback_tz)
SELECT v.patient_id, v.fallback_tz FROM unnest($1::text[], $2::text[]) AS v(patient_id, fallback_tz)
ORDER BY v.patient_id
ON CONFLICT (patient_id) DO UPDATE SET fallback_tz = EXCLUDED.fallback_tz, enqueued_at = now()
