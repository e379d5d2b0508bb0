SELECT clinic_id FROM sessions WHERE session_id = $1
