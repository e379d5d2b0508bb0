-- The owning clinic of each known session (a tombstone of an unknown session's cancellation included).
SELECT session_id, clinic_id FROM sessions WHERE session_id = ANY ($1::text[]) AND clinic_id IS NOT NULL
