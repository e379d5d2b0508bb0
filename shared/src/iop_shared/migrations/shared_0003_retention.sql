-- Retention: the purge timer deletes published outbox rows and applied inbox rows past their retention in small
-- batches; these indexes let each batch find its oldest rows without scanning the table.
CREATE INDEX outbox_sent ON outbox (sent_at) WHERE sent_at IS NOT NULL;
CREATE INDEX inbox_applied ON inbox (applied_at);
