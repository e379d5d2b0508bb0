-- A session's open seats as a slot of its own: `capacity` = seats nobody is listed on, `held` = its live holds
-- (a consumed hold is now an attendee). A clinic's own slot with that id is never taken over.
INSERT INTO slots AS s (slot_id, clinic_id, program_id, kind, starts_at, ends_at, capacity, revision, session_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8)
ON CONFLICT (slot_id) DO UPDATE SET
    program_id = EXCLUDED.program_id, kind = EXCLUDED.kind, starts_at = EXCLUDED.starts_at,
    ends_at = EXCLUDED.ends_at, capacity = EXCLUDED.capacity,
    held = (SELECT count(*) FROM holds h WHERE h.slot_id = s.slot_id AND h.state = 'held')
WHERE s.session_id = EXCLUDED.session_id AND s.clinic_id = EXCLUDED.clinic_id
RETURNING slot_id, capacity - held AS open
