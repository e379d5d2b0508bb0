-- The next batch of owed replans; another replica's batch is skipped, not waited for.
SELECT patient_id, fallback_tz, traceparent, tracestate FROM replan_queue
ORDER BY enqueued_at, patient_id
LIMIT $1
FOR UPDATE SKIP LOCKED
