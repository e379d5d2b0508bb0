-- The attendee lists of the sessions $1 just applied replace their previous ones; ($2, $3) pairs every
-- (session, attendee) of those lists (a session with no attendees appears only in $1). Each row keeps the session's
-- start and program as just applied (the completion chart's "latest program" per patient, migration 0007).
WITH listed AS (
    SELECT * FROM unnest($2::text[], $3::text[]) AS l(session_id, patient_id)
), gone AS (
    DELETE FROM expected_attendees e
     WHERE e.session_id = ANY($1::text[])
       AND NOT EXISTS (SELECT 1 FROM listed l WHERE l.session_id = e.session_id AND l.patient_id = e.patient_id)
)
INSERT INTO expected_attendees (session_id, patient_id, starts_at, program_id)
SELECT l.session_id, l.patient_id, s.starts_at, s.program_id
  FROM listed l JOIN sessions s ON s.session_id = l.session_id
 ORDER BY 1, 2
ON CONFLICT (session_id, patient_id) DO UPDATE
   SET starts_at = EXCLUDED.starts_at, program_id = EXCLUDED.program_id
 WHERE (expected_attendees.starts_at, expected_attendees.program_id)
       IS DISTINCT FROM (EXCLUDED.starts_at, EXCLUDED.program_id)
