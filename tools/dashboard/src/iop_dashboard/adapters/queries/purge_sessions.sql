-- Sessions that started before $1, at most $2 (their expected attendees go with them, ON DELETE CASCADE).
DELETE FROM sessions
 WHERE ctid IN (SELECT ctid FROM sessions WHERE starts_at < $1 ORDER BY starts_at LIMIT $2 FOR UPDATE SKIP LOCKED)
