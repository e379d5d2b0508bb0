-- Trace context (W3C traceparent/tracestate) of the transaction that wrote the row: the relay publishes later,
-- so it sends these as Kafka headers and the trace goes on in the consumers. NULL when no trace was active.
ALTER TABLE outbox ADD COLUMN traceparent text, ADD COLUMN tracestate text;
