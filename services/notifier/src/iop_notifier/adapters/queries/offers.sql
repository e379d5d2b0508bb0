-- name: insert_offer
INSERT INTO reschedule_offers (offer_id, patient_id, clinic_id, session_id, options, offered_at, expires_at)
VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)
ON CONFLICT (offer_id) DO NOTHING
RETURNING offer_id;

-- name: open_offer
-- The patient's latest offer still waiting for a choice (a newer offer replaces an older one).
SELECT * FROM reschedule_offers
WHERE patient_id = $1 AND choice IS NULL AND expires_at > $2
ORDER BY offered_at DESC, offer_id
LIMIT 1
FOR UPDATE;

-- name: offer_chosen
UPDATE reschedule_offers SET choice = $2, chosen_at = $3 WHERE offer_id = $1 AND choice IS NULL
RETURNING offer_id;

-- name: offer_by_id
SELECT * FROM reschedule_offers WHERE offer_id = $1;
