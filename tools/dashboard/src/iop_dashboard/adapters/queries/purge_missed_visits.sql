-- Missed visits detected before $1, at most $2.
DELETE FROM missed_visits
 WHERE ctid IN (SELECT ctid FROM missed_visits WHERE detected_at < $1 ORDER BY detected_at LIMIT $2 FOR UPDATE SKIP LOCKED)
