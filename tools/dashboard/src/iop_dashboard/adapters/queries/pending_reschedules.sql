-- Requests of the clinics $1 the clinic has not confirmed yet, the soonest to expire first.
SELECT r.hold_id, r.clinic_id, r.patient_id, p.preferred_name, r.session_id, r.slot_id, r.slot_starts_at,
       r.hold_expires_at, r.requested_at
  FROM reschedule_requests r
  LEFT JOIN patients p ON p.patient_id = r.patient_id
 WHERE r.closed_at IS NULL AND r.clinic_id = ANY($1::text[])
 ORDER BY r.hold_expires_at, r.hold_id
 LIMIT 500
