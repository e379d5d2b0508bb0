-- Sessions that ended before $1, at most $2. Planning looks back twice the gap for a patient's previous
-- session, so the retention is at least that (the settings refuse less).
DELETE FROM sessions
 WHERE ctid IN (SELECT ctid FROM sessions WHERE ends_at < $1 ORDER BY ends_at LIMIT $2 FOR UPDATE SKIP LOCKED)
