-- A newer revision of a slot of the same clinic; the seats held stay held.
INSERT INTO slots (slot_id, clinic_id, program_id, kind, starts_at, ends_at, capacity, revision)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (slot_id) DO UPDATE SET
    program_id = EXCLUDED.program_id, kind = EXCLUDED.kind, starts_at = EXCLUDED.starts_at,
    ends_at = EXCLUDED.ends_at, capacity = EXCLUDED.capacity, revision = EXCLUDED.revision
WHERE slots.revision < EXCLUDED.revision AND slots.clinic_id = EXCLUDED.clinic_id AND slots.session_id IS NULL
RETURNING slot_id
