-- A cancellation newer than what was applied; a cancellation of an unknown session leaves a tombstone owned by
-- the publishing clinic ($3), so an older upsert arriving later is ignored and no other clinic can claim it.
INSERT INTO sessions (session_id, clinic_id, cancelled, revision)
VALUES ($1, $3, true, $2)
ON CONFLICT (session_id) DO UPDATE
   SET cancelled = true, revision = EXCLUDED.revision
 WHERE sessions.revision < EXCLUDED.revision
   AND (sessions.clinic_id IS NULL OR sessions.clinic_id = EXCLUDED.clinic_id)
RETURNING session_id
