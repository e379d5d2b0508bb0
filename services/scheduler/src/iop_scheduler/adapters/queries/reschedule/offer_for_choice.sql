SELECT o.*, EXISTS (SELECT 1 FROM holds h WHERE h.offer_id = o.offer_id) AS has_hold
FROM reschedule_offers o
WHERE o.offer_id = $1 AND o.patient_id = $2
FOR UPDATE
