-- Records what the patient knew before each new notice ($3: told it was cancelled).
UPDATE reminders AS r SET told_starts_at = v.told, told_cancelled = v.cancelled
FROM unnest($1::text[], $2::timestamptz[], $3::bool[]) AS v(id, told, cancelled)
WHERE r.reminder_id = v.id
