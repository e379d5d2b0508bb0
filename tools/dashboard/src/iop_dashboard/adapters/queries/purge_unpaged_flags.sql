-- "Nobody paged" notes made before $1 whose flag is no longer open (resolved or purged), at most $2.
DELETE FROM unpaged_flags
 WHERE ctid IN (SELECT u.ctid FROM unpaged_flags u
                 WHERE u.noted_at < $1
                   AND NOT EXISTS (SELECT 1 FROM risk_flags f WHERE f.flag_id = u.flag_id AND f.status_rank < 3)
                 ORDER BY u.noted_at LIMIT $2 FOR UPDATE SKIP LOCKED)
