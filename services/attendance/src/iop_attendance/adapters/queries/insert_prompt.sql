INSERT INTO prompts (reminder_id, patient_id, due_at) VALUES ($1, $2, $3)
ON CONFLICT (reminder_id) DO NOTHING
RETURNING reminder_id
