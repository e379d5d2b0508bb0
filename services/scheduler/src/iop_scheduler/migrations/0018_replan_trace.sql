-- A queued replan keeps the trace context of the change that owed it: the drainer plans in that trace, so the
-- reminders it plans are published in the trace of the session upsert that caused them.
ALTER TABLE replan_queue ADD COLUMN IF NOT EXISTS traceparent text, ADD COLUMN IF NOT EXISTS tracestate text;
