-- Flags whose pattern cleared by itself; returns the ids actually resolved now.
UPDATE flags SET status = 'resolved', resolved_at = $2, auto_resolved = true
 WHERE flag_id = ANY($1::text[]) AND status <> 'resolved'
RETURNING flag_id
