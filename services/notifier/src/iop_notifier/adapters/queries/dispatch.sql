-- name: insert_request
INSERT INTO requests (source_event_id, recipient_kind, recipient_id, purpose, clinic_id, session_ids, urgent,
                      is_reply, channels, extra, expires_at, received_at, not_before, traceparent, tracestate)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13, $14, $15)
ON CONFLICT (source_event_id, recipient_id) DO NOTHING
RETURNING id;

-- name: request_for_update
SELECT * FROM requests WHERE id = $1 FOR UPDATE;

-- name: recipient_of
SELECT recipient_id FROM requests WHERE id = $1;

-- name: lock_recipient
SELECT pg_advisory_xact_lock(hashtext($1));

-- name: prior_capped_sends
SELECT claimed_at FROM ledger
WHERE recipient_id = $1 AND counts_against_cap AND claimed_at > $2 AND state NOT IN ('failed', 'undelivered');

-- name: set_request_state
UPDATE requests SET state = $2, not_before = COALESCE($3, not_before), deferred = deferred OR $4
WHERE id = $1;

-- name: repend_without_channel
UPDATE requests SET state = 'pending', not_before = $3, exclude_channels = array_append(exclude_channels, $2)
WHERE id = $1;

-- name: cancel_pending
UPDATE requests SET state = 'done'
WHERE source_event_id = $1 AND state IN ('pending', 'leased')
RETURNING id, recipient_kind, recipient_id;

-- name: embedded_record
INSERT INTO embedded_messages (notification_id, recipient_kind, recipient_id, channel, subject, body, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (notification_id) DO NOTHING;

-- name: embedded_list
SELECT * FROM embedded_messages WHERE recipient_id = $1 ORDER BY id DESC LIMIT $2;

-- name: queue_depth
SELECT count(*) FROM requests WHERE state IN ('pending', 'leased') AND not_before <= $1;

-- name: due_together
SELECT id, purpose, source_event_id, recipient_kind FROM requests
WHERE recipient_id = $1 AND id <> $2 AND state IN ('pending', 'leased') AND NOT urgent AND NOT is_reply
  AND recipient_kind <> 'support_person'
  AND not_before <= $3
FOR UPDATE SKIP LOCKED;

-- name: insert_requests
-- A partition's run of reminders in one statement (the rows of insert_request, column by column); $10/$11: the
-- trace context of the batch (its first event's), carried to the provider call.
INSERT INTO requests (source_event_id, recipient_kind, recipient_id, purpose, clinic_id, session_ids, urgent,
                      is_reply, expires_at, received_at, not_before, traceparent, tracestate)
SELECT u.source_event_id, 'patient', u.recipient_id, u.purpose, u.clinic_id,
       ARRAY(SELECT jsonb_array_elements_text(u.session_ids)), u.urgent, false, u.expires_at, $8, u.not_before,
       $10::text, $11::text
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::bool[], $7::timestamptz[],
            $9::timestamptz[]) AS u(source_event_id, recipient_id, purpose, clinic_id, session_ids, urgent,
                                     expires_at, not_before)
ON CONFLICT (source_event_id, recipient_id) DO NOTHING
RETURNING id;
