-- The owning clinic never changes once set (the use case refuses such a write before it gets here).
INSERT INTO sessions (session_id, clinic_id, starts_at, ends_at, timezone, attendees, revision, cancelled)
VALUES ($1, $2, $3, $4, $5, $6, $7, false)
ON CONFLICT (session_id) DO UPDATE
    SET starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,
        timezone = EXCLUDED.timezone, attendees = EXCLUDED.attendees, revision = EXCLUDED.revision,
        cancelled = false
    WHERE sessions.revision < EXCLUDED.revision AND sessions.clinic_id = EXCLUDED.clinic_id
