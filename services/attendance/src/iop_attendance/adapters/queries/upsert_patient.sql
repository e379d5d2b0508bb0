-- Apply a patient upsert only if its revision is newer than the one applied; the owning clinic never changes
-- (the handler refuses another clinic's write before it gets here).
INSERT INTO patients (patient_id, clinic_id, care_team_id, age_group, timezone, discharged_at, revision)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (patient_id) DO UPDATE
   SET care_team_id = EXCLUDED.care_team_id, age_group = EXCLUDED.age_group,
       timezone = EXCLUDED.timezone, discharged_at = EXCLUDED.discharged_at, revision = EXCLUDED.revision
 WHERE patients.revision < EXCLUDED.revision AND patients.clinic_id = EXCLUDED.clinic_id
RETURNING patient_id
