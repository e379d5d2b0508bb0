SELECT p.clinic_id FROM concerns c JOIN patients p ON p.patient_id = c.patient_id WHERE c.concern_id = $1
