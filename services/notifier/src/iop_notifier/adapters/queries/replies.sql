-- name: receipt
INSERT INTO webhook_receipts (token, received_at) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING token;

-- name: ledger_by_sid
SELECT * FROM ledger WHERE provider_message_id = $1 FOR UPDATE;

-- name: set_status
UPDATE ledger SET state = $2, error_code = COALESCE($3, error_code), updated_at = $4 WHERE id = $1;

-- name: insert_inbound
INSERT INTO inbound_messages (id, patient_id, channel, body, intent, value, received_at, sender_id,
                              receiving_clinic_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (id) DO NOTHING
RETURNING id;

-- name: last_prompt
SELECT r.purpose, r.session_ids, r.source_event_id
FROM ledger l JOIN requests r ON r.id = l.request_id
WHERE l.recipient_id = $1 AND l.recipient_kind = 'patient' AND NOT r.is_reply AND l.state <> 'failed'
ORDER BY l.claimed_at DESC
LIMIT 1;

-- name: upsert_sender
INSERT INTO senders (sender_id, phone, updated_at) VALUES ($1, $2, $3)
ON CONFLICT (sender_id) DO UPDATE SET phone = EXCLUDED.phone, updated_at = EXCLUDED.updated_at;

-- name: sender_phone
SELECT phone FROM senders WHERE sender_id = $1;

-- name: sender_key
SELECT key FROM sender_key;

-- name: inbound_body
SELECT body FROM inbound_messages WHERE id = $1;

-- name: inbound_routed
-- A text taken ahead of the ordinary parser: its intent names the route, so no reader takes it for a reply.
UPDATE inbound_messages SET intent = $2, value = NULL WHERE id = $1;
