-- The clinic's session upsert seats the patient at the held time: the hold is consumed (its seat stays taken).
UPDATE holds h SET state = 'consumed', closed_at = $4
FROM slots s
WHERE h.state = 'held' AND s.slot_id = h.slot_id AND h.clinic_id = $1 AND h.patient_id = ANY($2::text[])
  AND s.starts_at = $3
RETURNING h.*
