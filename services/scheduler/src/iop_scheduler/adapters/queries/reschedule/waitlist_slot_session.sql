SELECT session_id FROM slots WHERE slot_id = $1 AND session_id IS NOT NULL
