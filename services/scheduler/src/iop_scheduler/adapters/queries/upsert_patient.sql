-- Applies only a newer revision; a placeholder row (revision -1) made by a session is always older.
-- The owning clinic never changes once set (the use case refuses such a write before it gets here).
INSERT INTO patients (patient_id, clinic_id, timezone, discharged_at, revision)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (patient_id) DO UPDATE
    SET clinic_id = EXCLUDED.clinic_id, timezone = EXCLUDED.timezone,
        discharged_at = EXCLUDED.discharged_at, revision = EXCLUDED.revision
    WHERE patients.revision < EXCLUDED.revision
      AND (patients.clinic_id IS NULL OR patients.clinic_id = EXCLUDED.clinic_id)
RETURNING true
