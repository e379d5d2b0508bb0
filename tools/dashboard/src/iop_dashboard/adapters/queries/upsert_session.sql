-- Apply a session upsert only if its revision is newer than what was applied (or a cancellation's tombstone);
-- a session's clinic is fixed by its first upsert.
INSERT INTO sessions (session_id, clinic_id, program_id, kind, starts_at, ends_at, cancelled, revision)
VALUES ($1, $2, $3, $4, $5, $6, false, $7)
ON CONFLICT (session_id) DO UPDATE
   SET clinic_id = EXCLUDED.clinic_id, program_id = EXCLUDED.program_id, kind = EXCLUDED.kind,
       starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at, cancelled = false,
       revision = EXCLUDED.revision, updated_at = now()
 WHERE sessions.revision < EXCLUDED.revision
   AND (sessions.clinic_id IS NULL OR sessions.clinic_id = EXCLUDED.clinic_id)
RETURNING session_id
