-- Every patient of the clinic owes a replan (written with the clinic event's inbox claim).
INSERT INTO replan_queue (patient_id, fallback_tz)
SELECT patient_id, $2 FROM patients WHERE clinic_id = $1 AND discharged_at IS NULL
ON CONFLICT (patient_id) DO UPDATE SET fallback_tz = EXCLUDED.fallback_tz, enqueued_at = now()
