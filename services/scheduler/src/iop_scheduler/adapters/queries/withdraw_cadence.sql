UPDATE reminders SET status = 'cancelled', skip_reason = 'replaced'
WHERE patient_id = $1 AND status = 'pending' AND kind = 'cadence'
