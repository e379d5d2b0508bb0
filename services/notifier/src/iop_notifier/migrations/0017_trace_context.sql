-- The trace context of the event that asked for a message: the provider call is traced in it.
ALTER TABLE requests ADD COLUMN traceparent text, ADD COLUMN tracestate text;
