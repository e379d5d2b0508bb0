UPDATE patients SET plan_version = plan_version + 1 WHERE patient_id = ANY ($1::text[])
RETURNING patient_id, plan_version
