UPDATE flags SET status = 'acknowledged', acknowledged_by = $2, acknowledged_note = $3, acknowledged_at = $4
 WHERE flag_id = $1 AND status = 'open'
RETURNING flag_id
