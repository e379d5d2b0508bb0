-- name: insert_offer
INSERT INTO reschedule_offers (offer_id, patient_id, clinic_id, session_id, options, offered_at, expires_at)
VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)
ON CONFLICT (offer_id) DO NOTHING
RETURNING offer_id;

-- name: open_offer
-- The patient's latest slot offer still waiting for a choice (a newer offer replaces an older one); a waitlist
-- offer (its one option labelled YES) is answered apart, by `open_offer_with`.
SELECT * FROM reschedule_offers
WHERE patient_id = $1 AND choice IS NULL AND expires_at > $2 AND NOT options @> '[{"choice": "YES"}]'::jsonb
ORDER BY offered_at DESC, offer_id
LIMIT 1
FOR UPDATE;

-- name: offer_chosen
UPDATE reschedule_offers SET choice = $2, chosen_at = $3 WHERE offer_id = $1 AND choice IS NULL
RETURNING offer_id;

-- name: offer_by_id
SELECT * FROM reschedule_offers WHERE offer_id = $1;

-- name: open_offer_with
-- The patient's latest open offer with option $3 (a waitlist offer: "YES").
SELECT * FROM reschedule_offers
WHERE patient_id = $1 AND choice IS NULL AND expires_at > $2
  AND options @> jsonb_build_array(jsonb_build_object('choice', $3::text))
ORDER BY offered_at DESC, offer_id
LIMIT 1
FOR UPDATE;
