UPDATE reminders AS r
SET status = v.status, skip_reason = v.reason, dispatched_at = CASE WHEN v.status = 'dispatched' THEN $4::timestamptz END
FROM unnest($1::text[], $2::text[], $3::text[]) AS v(id, status, reason)
WHERE r.reminder_id = v.id
