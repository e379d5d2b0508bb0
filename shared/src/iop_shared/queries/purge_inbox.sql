-- Inbox (dedup) rows applied before $1, at most $2 of them. Past this a redelivered event is only guarded by
-- the handlers' own revision and key checks, so the retention must outlast any ordinary redelivery.
DELETE FROM inbox
 WHERE ctid IN (SELECT ctid FROM inbox WHERE applied_at < $1 ORDER BY applied_at LIMIT $2 FOR UPDATE SKIP LOCKED)
