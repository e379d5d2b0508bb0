-- The owning clinic never changes once set (the use case refuses such a write before it gets here). The program
-- is kept with the session: the patient's check-in cadence follows it.
INSERT INTO sessions (session_id, clinic_id, starts_at, ends_at, timezone, attendees, revision, cancelled, program_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, false, $8)
ON CONFLICT (session_id) DO UPDATE
    SET starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,
        timezone = EXCLUDED.timezone, attendees = EXCLUDED.attendees, revision = EXCLUDED.revision,
        cancelled = false, program_id = EXCLUDED.program_id
    WHERE sessions.revision < EXCLUDED.revision AND sessions.clinic_id = EXCLUDED.clinic_id
