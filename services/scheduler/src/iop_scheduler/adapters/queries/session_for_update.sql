SELECT session_id, clinic_id, starts_at, ends_at, timezone, attendees, revision, cancelled
FROM sessions WHERE session_id = $1
FOR UPDATE
