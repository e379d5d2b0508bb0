-- Whom a released seat of session $1 (slot $2) is offered to, in the clinic's order: its own patients in care
-- (another clinic's, or an unknown id, gets nothing), not seated, not holding or already offered that seat.
SELECT w.patient_id, se.clinic_id, se.starts_at, sl.slot_id
FROM sessions se
JOIN slots sl ON sl.session_id = se.session_id AND sl.slot_id = $2
CROSS JOIN LATERAL unnest(se.waitlist) WITH ORDINALITY AS w(patient_id, pos)
JOIN patients p ON p.patient_id = w.patient_id AND p.clinic_id = se.clinic_id AND p.discharged_at IS NULL
WHERE se.session_id = $1 AND NOT se.cancelled AND sl.held < sl.capacity AND NOT w.patient_id = ANY(se.attendees)
  AND NOT EXISTS (
      SELECT 1 FROM reschedule_offers o
      WHERE o.patient_id = w.patient_id AND sl.slot_id = ANY(o.slot_ids)
        AND (o.expires_at > $3 OR EXISTS (SELECT 1 FROM holds h WHERE h.offer_id = o.offer_id)))
ORDER BY w.pos
