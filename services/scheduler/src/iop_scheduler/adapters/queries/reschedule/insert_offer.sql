INSERT INTO reschedule_offers (offer_id, patient_id, clinic_id, session_id, slot_ids, offered_at, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (offer_id) DO NOTHING
RETURNING offer_id
