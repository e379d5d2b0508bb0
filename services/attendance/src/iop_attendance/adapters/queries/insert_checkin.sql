INSERT INTO checkins (checkin_id, event_id, patient_id, intent, value, prompt_reminder_id, received_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (checkin_id) DO NOTHING
RETURNING checkin_id
