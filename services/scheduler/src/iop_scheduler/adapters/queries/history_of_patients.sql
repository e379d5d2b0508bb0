-- history_of_patient for many patients: what occupies a cap slot (sent, or a notice still waiting to go).
SELECT patient_id, reminder_id, due_at, urgent, session_ids, purpose
FROM reminders
WHERE patient_id = ANY ($1::text[]) AND due_at >= $2
  AND (status = 'dispatched' OR (status = 'pending' AND kind = 'notice'))
