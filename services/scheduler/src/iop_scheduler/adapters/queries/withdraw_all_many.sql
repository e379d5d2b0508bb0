UPDATE reminders SET status = 'cancelled', skip_reason = $2
WHERE patient_id = ANY ($1::text[]) AND status = 'pending'
