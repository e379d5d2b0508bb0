SELECT session_id, clinic_id, starts_at, ends_at, timezone, attendees, revision, cancelled
FROM sessions
WHERE attendees @> ARRAY[$1::text] AND NOT cancelled AND starts_at >= $2 AND starts_at < $3
