UPDATE reminders SET status = 'cancelled', skip_reason = $2
WHERE patient_id = $1 AND status = 'pending'
