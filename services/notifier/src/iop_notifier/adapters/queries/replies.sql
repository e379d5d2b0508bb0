-- name: receipt
INSERT INTO webhook_receipts (token, received_at) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING token;

-- name: ledger_by_sid
SELECT * FROM ledger WHERE provider_message_id = $1 FOR UPDATE;

-- name: set_status
UPDATE ledger SET state = $2, error_code = COALESCE($3, error_code), updated_at = $4 WHERE id = $1;

-- name: insert_inbound
INSERT INTO inbound_messages (id, patient_id, channel, body, intent, value, received_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (id) DO NOTHING
RETURNING id;

-- name: last_prompt
SELECT r.purpose, r.session_ids, r.source_event_id
FROM ledger l JOIN requests r ON r.id = l.request_id
WHERE l.recipient_id = $1 AND l.recipient_kind = 'patient' AND NOT r.is_reply AND l.state <> 'failed'
ORDER BY l.claimed_at DESC
LIMIT 1;

-- name: purge_inbound
DELETE FROM inbound_messages WHERE received_at < $1;

-- name: purge_embedded
DELETE FROM embedded_messages WHERE created_at < $1;

-- name: insert_alert
INSERT INTO alerts (flag_id, patient_id, care_team_id, severity, rule, next_escalation_at, raised_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (flag_id) DO NOTHING
RETURNING flag_id;

-- name: close_alert
UPDATE alerts SET acknowledged_at = COALESCE(acknowledged_at, $2), next_escalation_at = NULL,
                  resolved_at = CASE WHEN $3 THEN $2 ELSE resolved_at END
WHERE flag_id = $1;

-- name: due_escalations
SELECT * FROM alerts
WHERE acknowledged_at IS NULL AND resolved_at IS NULL AND next_escalation_at <= $1
ORDER BY next_escalation_at
LIMIT 100
FOR UPDATE SKIP LOCKED;

-- name: escalated
UPDATE alerts SET level = $2, next_escalation_at = $3 WHERE flag_id = $1;
