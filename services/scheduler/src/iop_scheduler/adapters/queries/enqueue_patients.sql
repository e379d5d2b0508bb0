-- These patients owe a replan (written with the session events' inbox claims; rows taken in id order).
-- $3/$4: the trace context of the change (the drainer plans in it).
INSERT INTO replan_queue (patient_id, fallback_tz, traceparent, tracestate)
SELECT v.patient_id, v.fallback_tz, $3::text, $4::text FROM unnest($1::text[], $2::text[]) AS v(patient_id, fallback_tz)
ORDER BY v.patient_id
ON CONFLICT (patient_id) DO UPDATE SET fallback_tz = EXCLUDED.fallback_tz, enqueued_at = now(),
    traceparent = EXCLUDED.traceparent, tracestate = EXCLUDED.tracestate
