-- Concerns opened before $1, at most $2. A concern nobody opened stays in the triage queue however old it is.
DELETE FROM concerns
 WHERE ctid IN (SELECT ctid FROM concerns WHERE opened_at < $1 ORDER BY opened_at LIMIT $2 FOR UPDATE SKIP LOCKED)
