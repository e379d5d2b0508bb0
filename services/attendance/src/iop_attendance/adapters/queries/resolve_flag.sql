UPDATE flags SET status = 'resolved', resolved_by = $2, resolved_note = $3, resolved_at = $4
 WHERE flag_id = $1 AND status <> 'resolved'
RETURNING flag_id
