INSERT INTO reschedule_requests (hold_id, clinic_id, patient_id, session_id, slot_id, slot_starts_at,
                                 hold_expires_at, requested_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (hold_id) DO NOTHING
RETURNING hold_id
