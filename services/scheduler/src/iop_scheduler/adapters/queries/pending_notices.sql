-- Unsent notices about one session, with the baseline each carries (see migration 0012).
SELECT reminder_id, patient_id, due_at, told_starts_at, told_cancelled
FROM reminders
WHERE status = 'pending' AND kind = 'notice' AND session_ids @> ARRAY[$1::text]
  AND (told_cancelled OR told_starts_at IS NOT NULL)
FOR UPDATE
