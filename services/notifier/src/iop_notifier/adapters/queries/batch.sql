-- Set-based forms of the dispatcher's queries: one statement for a whole leased batch.

-- name: recipients_of
SELECT DISTINCT recipient_id FROM requests WHERE id = ANY($1::bigint[]);

-- name: lock_recipients
-- In one order (by hash) for every batch, so two batches never wait on each other in a cycle.
SELECT count(pg_advisory_xact_lock(h)) FROM (
    SELECT DISTINCT hashtext(r) AS h FROM unnest($1::text[]) AS r ORDER BY h) AS locks;

-- name: requests_for_update
SELECT * FROM requests WHERE id = ANY($1::bigint[]) AND state IN ('pending', 'leased') ORDER BY id FOR UPDATE;

-- name: patients
SELECT p.*, COALESCE(s.opted_out, false) AS sms_opted_out, COALESCE(s.invalid, false) AS phone_invalid
FROM patients p LEFT JOIN phone_state s ON s.phone = p.phone
WHERE p.patient_id = ANY($1::text[]);

-- name: clinics
SELECT * FROM clinics WHERE clinic_id = ANY($1::text[]);

-- name: prior_capped_sends_of
SELECT recipient_id, claimed_at FROM ledger
WHERE recipient_id = ANY($1::text[]) AND counts_against_cap AND claimed_at > $2
  AND state NOT IN ('failed', 'undelivered');

-- name: with_others_due
-- Recipients with routine requests due outside the batch: those are merged one by one (dispatch._absorbs_others).
SELECT DISTINCT recipient_id FROM requests
WHERE recipient_id = ANY($1::text[]) AND NOT (id = ANY($2::bigint[])) AND state IN ('pending', 'leased')
  AND NOT urgent AND NOT is_reply AND not_before <= $3;

-- name: claim_many
INSERT INTO ledger (notification_id, request_id, source_event_id, recipient_kind, recipient_id, channel, state,
                    counts_against_cap, claimed_at, updated_at, attempt, lease_until, address, body_digest)
SELECT u.nid, u.request_id, u.source_event_id, u.kind, u.recipient_id, u.channel, 'claimed', u.capped, $10, $10,
       u.attempt, now() + make_interval(secs => $11), u.address, u.body_digest
FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bool[], $8::text[],
            $9::text[], $12::text[])
     AS u(nid, request_id, source_event_id, kind, recipient_id, channel, capped, attempt, address, body_digest)
ON CONFLICT (source_event_id, recipient_id, channel) DO NOTHING
RETURNING notification_id;

-- name: set_request_states
UPDATE requests SET state = u.state FROM unnest($1::bigint[], $2::text[]) AS u(id, state) WHERE requests.id = u.id;

-- name: start_calls
UPDATE ledger SET call_started_at = now()
FROM unnest($1::text[], $2::text[]) AS u(nid, attempt)
WHERE ledger.notification_id = u.nid AND ledger.attempt = u.attempt AND ledger.state = 'claimed'
  AND ledger.call_started_at IS NULL
RETURNING ledger.notification_id;

-- name: lock_requests
SELECT id FROM requests WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE;

-- name: mark_sent_many
UPDATE ledger SET state = u.status, provider = u.provider, provider_message_id = u.pmid, updated_at = $5,
                  reconcile_at = NULL
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(nid, status, provider, pmid)
WHERE ledger.notification_id = u.nid AND ledger.state IN ('claimed', 'unknown')
RETURNING ledger.notification_id;

-- name: done_many
UPDATE requests SET state = 'done' WHERE id = ANY($1::bigint[]);

-- name: early_callbacks_of
SELECT DISTINCT message_sid FROM pending_callbacks WHERE message_sid = ANY($1::text[]);

-- name: lease_lane
-- lease_due for one lane: $4 true = urgent requests and replies only, false = routine only, NULL = both.
UPDATE requests SET state = 'leased', lease_until = now() + make_interval(secs => $2)
WHERE id IN (
    SELECT id FROM requests
    WHERE ((state = 'pending' AND not_before <= $1) OR (state = 'leased' AND lease_until < now()))
      AND ($4::bool IS NULL OR (urgent OR is_reply) = $4)
    ORDER BY not_before
    LIMIT $3
    FOR UPDATE SKIP LOCKED)
RETURNING id;
