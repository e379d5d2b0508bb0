-- A newer cancellation; for an unknown session it leaves a tombstone so an older upsert arriving later is ignored.
INSERT INTO sessions (session_id, cancelled, revision)
VALUES ($1, true, $2)
ON CONFLICT (session_id) DO UPDATE
   SET cancelled = true, revision = EXCLUDED.revision, updated_at = now()
 WHERE sessions.revision < EXCLUDED.revision
RETURNING session_id
