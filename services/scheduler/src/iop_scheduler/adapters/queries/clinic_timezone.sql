SELECT timezone FROM clinics WHERE clinic_id = $1
