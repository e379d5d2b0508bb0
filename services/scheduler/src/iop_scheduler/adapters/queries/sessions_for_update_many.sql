-- The current rows of many sessions, locked in session id order.
SELECT session_id, clinic_id, starts_at, ends_at, timezone, attendees, revision, cancelled, program_id
FROM sessions WHERE session_id = ANY ($1::text[])
ORDER BY session_id
FOR UPDATE
