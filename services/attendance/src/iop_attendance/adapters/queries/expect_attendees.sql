-- The roster: attendees are expected at the session's (possibly new) time; the others no longer are.
-- $6 is starts_at + grace; $8 the earliest due time for a new or moved visit (see late_session_settle).
WITH roster AS (
    INSERT INTO visits (session_id, patient_id, program_id, kind, starts_at, ends_at, due_at, expected)
    SELECT $1, p, $2, $3, $4, $5, greatest($6::timestamptz, $8::timestamptz), true FROM unnest($7::text[]) AS p
    ON CONFLICT (session_id, patient_id) DO UPDATE
       SET program_id = EXCLUDED.program_id, kind = EXCLUDED.kind, starts_at = EXCLUDED.starts_at,
           ends_at = EXCLUDED.ends_at, expected = true,
           -- a visit keeps its due time unless the session moved (a re-sent upsert must not retract a miss)
           due_at = CASE WHEN visits.starts_at = EXCLUDED.starts_at THEN visits.due_at ELSE EXCLUDED.due_at END
    RETURNING patient_id
)
UPDATE visits SET expected = false, program_id = $2, kind = $3, starts_at = $4, ends_at = $5, due_at = $6
 WHERE session_id = $1 AND NOT (patient_id = ANY($7::text[]))
