-- Hourly delivery and suppression counts of hours before $1, at most $2 rows.
DELETE FROM notification_counts
 WHERE ctid IN (SELECT ctid FROM notification_counts WHERE hour < $1 ORDER BY hour LIMIT $2 FOR UPDATE SKIP LOCKED)
