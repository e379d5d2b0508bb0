-- A reminder already sent or skipped keeps its state; a withdrawn or dropped one comes back when planned again.
-- $12/$13: the trace context of the change that planned it (the dispatcher publishes it in that trace).
INSERT INTO reminders (reminder_id, patient_id, clinic_id, purpose, kind, session_ids, due_at, expires_at,
                       urgent, plan_version, checkin_kind, traceparent, tracestate)
SELECT v.id, v.patient, v.clinic, v.purpose, v.kind, string_to_array(v.sessions, ','), v.due, v.expires,
       v.urgent, $10, v.checkin_kind, $12::text, $13::text
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[],
            $8::timestamptz[], $9::bool[], $11::text[])
         AS v(id, patient, clinic, purpose, kind, sessions, due, expires, urgent, checkin_kind)
ON CONFLICT (reminder_id) DO UPDATE
    SET session_ids = EXCLUDED.session_ids, due_at = EXCLUDED.due_at, expires_at = EXCLUDED.expires_at,
        urgent = EXCLUDED.urgent, checkin_kind = EXCLUDED.checkin_kind, plan_version = EXCLUDED.plan_version,
        status = 'pending', skip_reason = NULL, traceparent = EXCLUDED.traceparent, tracestate = EXCLUDED.tracestate
    WHERE reminders.status IN ('pending', 'cancelled', 'dropped')
RETURNING reminder_id
