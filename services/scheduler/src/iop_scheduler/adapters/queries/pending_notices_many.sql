-- pending_notices for many sessions (a notice is about one session: its first id says which).
SELECT reminder_id, patient_id, session_ids[1] AS session_id, due_at, told_starts_at, told_cancelled
FROM reminders
WHERE status = 'pending' AND kind = 'notice' AND session_ids && $1::text[]
  AND (told_cancelled OR told_starts_at IS NOT NULL)
FOR UPDATE
