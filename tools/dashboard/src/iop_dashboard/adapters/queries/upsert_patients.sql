-- upsert_patient for many patients at once (each id at most once per call): rows returned were applied.
INSERT INTO patients (patient_id, clinic_id, care_team_id, preferred_name, revision)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) ORDER BY 1
ON CONFLICT (patient_id) DO UPDATE
   SET care_team_id = EXCLUDED.care_team_id, preferred_name = EXCLUDED.preferred_name,
       revision = EXCLUDED.revision
 WHERE patients.revision < EXCLUDED.revision AND patients.clinic_id = EXCLUDED.clinic_id
RETURNING patient_id
