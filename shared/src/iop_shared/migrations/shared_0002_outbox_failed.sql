-- A row the broker refuses for good (too large) is set aside with its reason, so the rows after it still go out.
ALTER TABLE outbox ADD COLUMN failed_at timestamptz, ADD COLUMN failure text;
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (id) WHERE sent_at IS NULL AND failed_at IS NULL;
