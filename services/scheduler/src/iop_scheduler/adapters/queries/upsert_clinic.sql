INSERT INTO clinics (clinic_id, timezone, quiet_start, quiet_end, revision)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (clinic_id) DO UPDATE
    SET timezone = EXCLUDED.timezone, quiet_start = EXCLUDED.quiet_start,
        quiet_end = EXCLUDED.quiet_end, revision = EXCLUDED.revision
    WHERE clinics.revision < EXCLUDED.revision
RETURNING true
