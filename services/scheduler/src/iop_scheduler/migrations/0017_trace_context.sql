-- The trace context of the change that planned a reminder: the dispatcher publishes it later, in that trace.
ALTER TABLE reminders ADD COLUMN traceparent text, ADD COLUMN tracestate text;
