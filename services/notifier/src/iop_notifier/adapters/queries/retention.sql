-- Purges, each taking ($1 cutoff, $2 batch size) and deleting at most $2 rows; the retention timer repeats them.

-- name: purge_ledger
-- Sends with a final outcome, last changed before $1. Open ones (claimed, unknown) wait for their outcome.
DELETE FROM ledger
 WHERE ctid IN (SELECT ctid FROM ledger WHERE state NOT IN ('claimed', 'unknown') AND updated_at < $1
                 ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED)

-- name: purge_requests
-- Requests worked off before $1 that no ledger row points to any more (their sends were purged, or none went).
DELETE FROM requests
 WHERE ctid IN (SELECT r.ctid FROM requests r
                 WHERE r.state NOT IN ('pending', 'leased') AND r.received_at < $1
                   AND NOT EXISTS (SELECT 1 FROM ledger l WHERE l.request_id = r.id)
                 ORDER BY r.received_at LIMIT $2 FOR UPDATE SKIP LOCKED)

-- name: purge_receipts
-- Webhook receipts (they only stop a provider's retry from applying twice), received before $1.
DELETE FROM webhook_receipts
 WHERE ctid IN (SELECT ctid FROM webhook_receipts WHERE received_at < $1 ORDER BY received_at LIMIT $2 FOR UPDATE SKIP LOCKED)

-- name: purge_pending_callbacks
-- Early status callbacks no send ever claimed, received before $1.
DELETE FROM pending_callbacks
 WHERE ctid IN (SELECT ctid FROM pending_callbacks WHERE received_at < $1 ORDER BY received_at LIMIT $2 FOR UPDATE SKIP LOCKED)

-- name: purge_inbound_batch
-- Raw reply texts received before $1 (NOTIFIER_INBOUND_RETENTION_DAYS).
DELETE FROM inbound_messages
 WHERE ctid IN (SELECT ctid FROM inbound_messages WHERE received_at < $1 ORDER BY received_at LIMIT $2 FOR UPDATE SKIP LOCKED)

-- name: purge_embedded_batch
-- Messages the embedded channel recorded before $1.
DELETE FROM embedded_messages
 WHERE ctid IN (SELECT ctid FROM embedded_messages WHERE created_at < $1 ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)

-- name: purge_senders_batch
-- Unknown senders' numbers last seen before $1.
DELETE FROM senders
 WHERE ctid IN (SELECT ctid FROM senders WHERE updated_at < $1 ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED)
