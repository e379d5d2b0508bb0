-- The attendee list of the revision just applied replaces the previous one; each row keeps the session's start and
-- program as just applied (the completion chart's "latest program" per patient, migration 0007).
WITH gone AS (
    DELETE FROM expected_attendees WHERE session_id = $1 AND NOT (patient_id = ANY($2::text[]))
)
INSERT INTO expected_attendees (session_id, patient_id, starts_at, program_id)
SELECT s.session_id, u.patient_id, s.starts_at, s.program_id
  FROM sessions s, unnest($2::text[]) AS u(patient_id)
 WHERE s.session_id = $1
ON CONFLICT (session_id, patient_id) DO UPDATE
   SET starts_at = EXCLUDED.starts_at, program_id = EXCLUDED.program_id
 WHERE (expected_attendees.starts_at, expected_attendees.program_id)
       IS DISTINCT FROM (EXCLUDED.starts_at, EXCLUDED.program_id)
