-- Flags raised while the patient was still unknown (a check-in outcome can arrive before the patient upsert:
-- they come on different topics) carry no clinic or care team, so no clinic could list, resolve or read them
-- in FHIR; the patient's first known clinic ($2) and team ($3) take them over.
UPDATE flags SET clinic_id = $2, care_team_id = coalesce(care_team_id, $3)
 WHERE patient_id = $1 AND clinic_id IS NULL
