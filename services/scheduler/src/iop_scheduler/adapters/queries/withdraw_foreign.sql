-- A patient who turned out to belong to another clinic hears nothing of the sessions that listed them first.
UPDATE reminders SET status = 'cancelled', skip_reason = 'tenant_mismatch'
WHERE patient_id = $1 AND status = 'pending' AND clinic_id IS DISTINCT FROM $2
