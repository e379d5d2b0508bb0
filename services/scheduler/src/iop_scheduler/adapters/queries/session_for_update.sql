SELECT session_id, clinic_id, starts_at, ends_at, timezone, attendees, revision, cancelled, program_id
FROM sessions WHERE session_id = $1
FOR UPDATE
