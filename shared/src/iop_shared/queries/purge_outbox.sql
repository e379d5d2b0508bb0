-- Published outbox rows older than $1, at most $2 of them. Unsent and set-aside rows are never purged here:
-- the relay still owes the first, and the second wait for an operator.
DELETE FROM outbox
 WHERE ctid IN (SELECT ctid FROM outbox WHERE sent_at IS NOT NULL AND sent_at < $1 ORDER BY sent_at LIMIT $2 FOR UPDATE SKIP LOCKED)
