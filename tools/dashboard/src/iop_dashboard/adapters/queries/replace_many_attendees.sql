-- The attendee lists of the sessions $1 just applied replace their previous ones; ($2, $3) pairs every
-- (session, attendee) of those lists (a session with no attendees appears only in $1).
WITH listed AS (
    SELECT * FROM unnest($2::text[], $3::text[]) AS l(session_id, patient_id)
), gone AS (
    DELETE FROM expected_attendees e
     WHERE e.session_id = ANY($1::text[])
       AND NOT EXISTS (SELECT 1 FROM listed l WHERE l.session_id = e.session_id AND l.patient_id = e.patient_id)
)
INSERT INTO expected_attendees (session_id, patient_id)
SELECT session_id, patient_id FROM listed ORDER BY 1, 2
ON CONFLICT DO NOTHING
