UPDATE sessions SET program_id = $2, kind = $3 WHERE session_id = $1
