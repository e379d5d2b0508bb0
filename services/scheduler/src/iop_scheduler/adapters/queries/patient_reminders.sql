SELECT reminder_id, purpose, kind, session_ids, due_at, expires_at, urgent, status, skip_reason, dispatched_at
FROM reminders WHERE patient_id = $1 ORDER BY due_at, reminder_id
