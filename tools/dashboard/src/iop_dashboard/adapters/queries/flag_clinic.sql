SELECT p.clinic_id FROM risk_flags f JOIN patients p ON p.patient_id = f.patient_id WHERE f.flag_id = $1
