SELECT clinic_id, cancelled FROM sessions WHERE session_id = $1
