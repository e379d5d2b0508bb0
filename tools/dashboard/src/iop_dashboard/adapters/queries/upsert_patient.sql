-- A newer revision of a known patient of the same clinic, or a new patient; another clinic's upsert changes nothing.
INSERT INTO patients (patient_id, clinic_id, care_team_id, preferred_name, revision)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (patient_id) DO UPDATE
   SET care_team_id = EXCLUDED.care_team_id, preferred_name = EXCLUDED.preferred_name,
       revision = EXCLUDED.revision
 WHERE patients.revision < EXCLUDED.revision AND patients.clinic_id = EXCLUDED.clinic_id
RETURNING patient_id
