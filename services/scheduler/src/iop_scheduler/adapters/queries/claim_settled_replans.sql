-- The next batch of owed replans of patients no change touched for $2 (a bulk load still listing them on
-- sessions plans them once it has passed, not once per drain); another replica's batch is skipped.
SELECT patient_id, fallback_tz, traceparent, tracestate FROM replan_queue
WHERE enqueued_at <= now() - $2::interval
ORDER BY enqueued_at, patient_id
LIMIT $1
FOR UPDATE SKIP LOCKED
