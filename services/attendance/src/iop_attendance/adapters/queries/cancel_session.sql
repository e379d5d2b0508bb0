-- A cancellation newer than what was applied; a cancellation of an unknown session leaves a tombstone,
-- so an older upsert arriving later is ignored.
INSERT INTO sessions (session_id, cancelled, revision)
VALUES ($1, true, $2)
ON CONFLICT (session_id) DO UPDATE
   SET cancelled = true, revision = EXCLUDED.revision
 WHERE sessions.revision < EXCLUDED.revision
RETURNING session_id
