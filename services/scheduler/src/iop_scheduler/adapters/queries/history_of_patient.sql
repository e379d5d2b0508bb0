-- Messages that occupy a cap slot: what went out, and notices still waiting to go.
SELECT reminder_id, due_at, urgent, session_ids, purpose
FROM reminders
WHERE patient_id = $1 AND due_at >= $2
  AND (status = 'dispatched' OR (status = 'pending' AND kind = 'notice'))
