-- Attendance recorded before $1, at most $2.
DELETE FROM attendance
 WHERE ctid IN (SELECT ctid FROM attendance WHERE recorded_at < $1 ORDER BY recorded_at LIMIT $2 FOR UPDATE SKIP LOCKED)
