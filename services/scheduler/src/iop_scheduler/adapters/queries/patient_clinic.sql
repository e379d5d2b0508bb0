SELECT clinic_id, revision FROM patients WHERE patient_id = $1
