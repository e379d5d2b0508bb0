-- A flag raised before its patient's first upsert arrived (a score event can overtake it) has no clinic, so no
-- clinic's flag list or FHIR Flag search shows it: the upsert gives it the patient's clinic and team. A flag's
-- clinic, once set, never changes.
UPDATE flags SET clinic_id = $2, care_team_id = COALESCE(care_team_id, $3)
WHERE patient_id = $1 AND clinic_id IS NULL
