-- Open seats of the clinic's program and kind, soonest first (the caller filters by the patient's hours); a
-- session's own released seats (session_id set) go to its waitlist, not to reschedules.
SELECT slot_id, starts_at, ends_at
FROM slots
WHERE clinic_id = $1 AND program_id = $2 AND kind = $3 AND held < capacity AND starts_at > $4
  AND session_id IS NULL
  AND starts_at <> $5
ORDER BY starts_at, slot_id
LIMIT 50
