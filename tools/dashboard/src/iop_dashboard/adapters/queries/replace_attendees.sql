-- The attendee list of the revision just applied replaces the previous one.
WITH gone AS (
    DELETE FROM expected_attendees WHERE session_id = $1 AND NOT (patient_id = ANY($2::text[]))
)
INSERT INTO expected_attendees (session_id, patient_id)
SELECT $1, unnest($2::text[])
ON CONFLICT DO NOTHING
