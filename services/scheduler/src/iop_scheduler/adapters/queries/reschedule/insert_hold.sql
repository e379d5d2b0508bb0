INSERT INTO holds (hold_id, offer_id, slot_id, patient_id, clinic_id, session_id, held_at, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
