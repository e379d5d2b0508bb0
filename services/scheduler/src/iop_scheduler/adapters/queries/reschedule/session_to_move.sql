-- The patient's session a reschedule is about: theirs, not cancelled, not started.
SELECT session_id, clinic_id, program_id, kind, starts_at
FROM sessions
WHERE session_id = ANY($1::text[]) AND $2 = ANY(attendees) AND NOT cancelled AND starts_at > $3
ORDER BY starts_at
LIMIT 1
