UPDATE patients SET plan_version = plan_version + 1 WHERE patient_id = $1 RETURNING plan_version
