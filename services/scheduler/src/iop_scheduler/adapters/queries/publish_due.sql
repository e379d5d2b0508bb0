-- Writes iop.reminder.due.v1 to the outbox exactly as iop_shared.contracts.encode would (CloudEvents binary
-- mode: data as JSON without nulls, attributes as ce_* headers), but in the database: encoding in Python cost
-- ~85 us a reminder, most of the dispatch budget. tests/integration/test_dispatch_encoding.py decodes these
-- rows with the shared decoder and compares them with the Python encoding, so the two cannot drift apart.
-- $1 reminder ids, $2 topic, $3 ce_source, $4 ce_time (RFC 3339)
-- traceparent/tracestate: the trace of the change that planned the reminder goes on through the relay.
INSERT INTO outbox (event_id, topic, key, value, headers, traceparent, tracestate)
SELECT r.reminder_id, $2, convert_to(r.patient_id, 'UTF8'),
       convert_to(json_strip_nulls(json_build_object(
           'reminder_id', r.reminder_id,
           'patient_id', r.patient_id,
           'clinic_id', r.clinic_id,
           'purpose', r.purpose,
           'session_ids', to_json(r.session_ids),
           'due_at', to_char(r.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           'urgent', r.urgent,
           'expires_at', to_char(r.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           'checkin_kind', r.checkin_kind
       ))::text, 'UTF8'),
       jsonb_build_object('ce_specversion', '1.0', 'ce_id', r.reminder_id, 'ce_type', 'iop.reminder.due.v1',
                          'ce_source', $3::text, 'ce_time', $4::text, 'content-type', 'application/json'),
       r.traceparent, r.tracestate
FROM reminders r
WHERE r.reminder_id = ANY ($1::text[])
ORDER BY r.due_at
ON CONFLICT (event_id) DO NOTHING
