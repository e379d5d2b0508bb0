UPDATE reminders SET status = 'cancelled', skip_reason = 'replaced'
WHERE patient_id = ANY ($1::text[]) AND status = 'pending' AND kind = 'cadence'
