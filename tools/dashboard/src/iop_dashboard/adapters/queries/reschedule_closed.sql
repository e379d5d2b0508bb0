-- A close may arrive before its request (another partition order is impossible: both are keyed by patient).
UPDATE reschedule_requests SET closed_at = $2, outcome = $3 WHERE hold_id = $1 AND closed_at IS NULL
RETURNING hold_id
