SELECT clinic_id FROM slots WHERE slot_id = $1
