SELECT patient_id, clinic_id, care_team_id, age_group, timezone FROM patients WHERE patient_id = $1
