-- Plan rows that are done with (dispatched, skipped, cancelled, dropped) and expired before $1, at most $2.
-- A reminder expires at its session's start at the latest, so this keeps each session's plan for the
-- retention after it began. Pending rows are the dispatcher's to settle and never purged here.
DELETE FROM reminders
 WHERE ctid IN (SELECT ctid FROM reminders WHERE status <> 'pending' AND expires_at < $1
                 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
