UPDATE flags SET status = 'resolved', resolved_at = $2, auto_resolved = true
 WHERE flag_id = $1 AND status <> 'resolved'
RETURNING flag_id
