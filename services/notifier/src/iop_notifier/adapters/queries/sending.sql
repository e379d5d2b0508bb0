-- Leases and claims run on the database's clock (now()), so replicas' clock skew cannot re-lease or reap.

-- name: lease_due
UPDATE requests SET state = 'leased', lease_until = now() + make_interval(secs => $2)
WHERE id IN (
    SELECT id FROM requests
    WHERE (state = 'pending' AND not_before <= $1) OR (state = 'leased' AND lease_until < now())
    ORDER BY not_before
    LIMIT $3
    FOR UPDATE SKIP LOCKED)
RETURNING id;

-- name: claim
INSERT INTO ledger (notification_id, request_id, source_event_id, recipient_kind, recipient_id, channel, state,
                    counts_against_cap, claimed_at, updated_at, attempt, lease_until, address, body_digest)
VALUES ($1, $2, $3, $4, $5, $6, 'claimed', $7, $8, $8, $9, now() + make_interval(secs => $10), $11, $12)
ON CONFLICT (source_event_id, recipient_id, channel) DO NOTHING
RETURNING id;

-- name: start_call
UPDATE ledger SET call_started_at = now()
WHERE notification_id = $1 AND attempt = $2 AND state = 'claimed' AND call_started_at IS NULL
RETURNING id;

-- name: mark_sent
UPDATE ledger SET state = $2, provider = $3, provider_message_id = $4, updated_at = $5, reconcile_at = NULL
WHERE notification_id = $1 AND state IN ('claimed', 'unknown')
RETURNING id;

-- name: mark_failed
UPDATE ledger SET state = 'failed', provider = $2, error_code = $3, updated_at = $4, reconcile_at = NULL
WHERE notification_id = $1 AND state IN ('claimed', 'unknown')
RETURNING id;

-- name: mark_unknown
UPDATE ledger SET state = 'unknown', provider = $2, error_code = $3, updated_at = $4,
                  reconcile_at = now() + make_interval(secs => $5)
WHERE notification_id = $1 AND state = 'claimed';

-- name: release_unstarted
-- Claims whose process died before calling the provider: the provider never saw them, so they are sent again.
WITH gone AS (
    DELETE FROM ledger WHERE id IN (
        SELECT id FROM ledger
        WHERE state = 'claimed' AND call_started_at IS NULL AND lease_until < now()
        ORDER BY id LIMIT $1
        FOR UPDATE SKIP LOCKED)
    RETURNING request_id)
UPDATE requests SET state = 'pending' WHERE id IN (SELECT request_id FROM gone)
RETURNING id;

-- name: due_reconcile
-- Ambiguous outcomes, and calls started longer than the reaper's wait ago (their process died mid-call).
UPDATE ledger SET reconcile_at = now() + make_interval(secs => $2)
WHERE id IN (
    SELECT id FROM ledger
    WHERE (state = 'unknown' AND reconcile_at <= now())
       OR (state = 'claimed' AND (reconcile_at IS NULL OR reconcile_at <= now())
           AND (call_started_at < now() - make_interval(secs => $1)
                OR (lease_until IS NULL AND claimed_at < now() - make_interval(secs => $1))))
    ORDER BY id LIMIT $3
    FOR UPDATE SKIP LOCKED)
RETURNING id, notification_id, request_id, recipient_kind, recipient_id, source_event_id, channel, address,
          body_digest, COALESCE(call_started_at, claimed_at) AS since,
          COALESCE(call_started_at, claimed_at) < now() - make_interval(secs => $1) AS overdue;

-- name: known_provider_ids
SELECT provider_message_id FROM ledger
WHERE address = $1 AND provider_message_id IS NOT NULL AND claimed_at > $2;

-- name: retry_not_created
-- The provider proved it has no such message: the claim goes and the request is decided and sent again.
WITH gone AS (
    DELETE FROM ledger WHERE id = $1 AND state IN ('claimed', 'unknown') RETURNING request_id)
UPDATE requests SET state = 'pending' WHERE id IN (SELECT request_id FROM gone)
RETURNING id;

-- name: keep_early_callback
INSERT INTO pending_callbacks (message_sid, status, error_code) VALUES ($1, $2, $3)
ON CONFLICT DO NOTHING;

-- name: take_early_callbacks
DELETE FROM pending_callbacks WHERE message_sid = $1 RETURNING status, error_code;

-- name: embedded_exists
SELECT 1 FROM embedded_messages WHERE notification_id = $1;
