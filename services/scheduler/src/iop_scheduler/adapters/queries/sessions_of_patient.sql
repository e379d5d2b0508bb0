-- Only sessions of the patient's own clinic ($4; NULL while the patient is not known yet) plan reminders.
SELECT session_id, clinic_id, starts_at, ends_at, timezone, attendees, revision, cancelled, program_id
FROM sessions
WHERE attendees @> ARRAY[$1::text] AND NOT cancelled AND starts_at >= $2 AND starts_at < $3
  AND ($4::text IS NULL OR clinic_id = $4)
