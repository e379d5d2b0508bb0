UPDATE sessions SET cancelled = true, revision = $2 WHERE session_id = $1 AND revision < $2
