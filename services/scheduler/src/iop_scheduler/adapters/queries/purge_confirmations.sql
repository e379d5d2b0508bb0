-- Confirmations made before $1 of sessions no longer kept (purged, or never known), at most $2.
DELETE FROM confirmations
 WHERE ctid IN (SELECT c.ctid FROM confirmations c
                 WHERE c.confirmed_at < $1
                   AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.session_id = c.session_id)
                 LIMIT $2 FOR UPDATE SKIP LOCKED)
