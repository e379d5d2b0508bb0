-- Flags resolved before $1, at most $2. Open and acknowledged flags stay however old they are.
DELETE FROM risk_flags
 WHERE ctid IN (SELECT ctid FROM risk_flags WHERE status_rank = 3 AND resolved_at < $1 ORDER BY resolved_at LIMIT $2 FOR UPDATE SKIP LOCKED)
