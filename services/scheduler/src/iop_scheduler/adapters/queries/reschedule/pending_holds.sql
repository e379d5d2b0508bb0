SELECT h.hold_id, h.patient_id, h.session_id, h.slot_id, s.starts_at AS slot_starts_at, h.expires_at
FROM holds h JOIN slots s USING (slot_id)
WHERE h.clinic_id = $1 AND h.state = 'held'
ORDER BY h.expires_at
LIMIT 500
