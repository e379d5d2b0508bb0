-- upsert_session for many sessions at once (each id at most once per call): the ids returned were applied.
INSERT INTO sessions (session_id, clinic_id, program_id, kind, starts_at, ends_at, cancelled, revision)
SELECT s, c, p, k, a, b, false, r
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::bigint[])
       AS t(s, c, p, k, a, b, r)
 ORDER BY s
ON CONFLICT (session_id) DO UPDATE
   SET clinic_id = EXCLUDED.clinic_id, program_id = EXCLUDED.program_id, kind = EXCLUDED.kind,
       starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at, cancelled = false,
       revision = EXCLUDED.revision, updated_at = now()
 WHERE sessions.revision < EXCLUDED.revision
   AND (sessions.clinic_id IS NULL OR sessions.clinic_id = EXCLUDED.clinic_id)
RETURNING session_id
