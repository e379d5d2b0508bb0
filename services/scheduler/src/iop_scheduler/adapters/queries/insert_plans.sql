-- insert_reminders with a plan version per row (many patients' plans in one statement); $12/$13: the trace
-- context of the change that planned them (the dispatcher publishes them in that trace).
INSERT INTO reminders (reminder_id, patient_id, clinic_id, purpose, kind, session_ids, due_at, expires_at,
                       urgent, plan_version, checkin_kind, traceparent, tracestate)
SELECT v.id, v.patient, v.clinic, v.purpose, v.kind, string_to_array(v.sessions, ','), v.due, v.expires,
       v.urgent, v.version, v.checkin_kind, $12::text, $13::text
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[],
            $8::timestamptz[], $9::bool[], $10::int[], $11::text[])
     AS v(id, patient, clinic, purpose, kind, sessions, due, expires, urgent, version, checkin_kind)
ON CONFLICT (reminder_id) DO UPDATE
    SET session_ids = EXCLUDED.session_ids, due_at = EXCLUDED.due_at, expires_at = EXCLUDED.expires_at,
        urgent = EXCLUDED.urgent, plan_version = EXCLUDED.plan_version, checkin_kind = EXCLUDED.checkin_kind,
        status = 'pending', skip_reason = NULL, traceparent = EXCLUDED.traceparent, tracestate = EXCLUDED.tracestate
    WHERE reminders.status IN ('pending', 'cancelled', 'dropped')
RETURNING reminder_id
