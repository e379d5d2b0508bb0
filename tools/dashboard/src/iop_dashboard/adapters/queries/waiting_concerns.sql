-- Concerns of the clinics $1 nobody has opened yet, oldest first.
SELECT c.concern_id, c.patient_id, p.clinic_id, p.preferred_name, c.received_at
  FROM concerns c
  JOIN patients p ON p.patient_id = c.patient_id
 WHERE c.opened_at IS NULL AND p.clinic_id = ANY($1::text[])
 ORDER BY c.received_at, c.concern_id
 LIMIT $2
