UPDATE sessions SET capacity = $2, waitlist = $3 WHERE session_id = $1
