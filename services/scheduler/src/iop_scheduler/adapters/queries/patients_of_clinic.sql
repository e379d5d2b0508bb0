SELECT patient_id FROM patients WHERE clinic_id = $1 AND discharged_at IS NULL ORDER BY patient_id
