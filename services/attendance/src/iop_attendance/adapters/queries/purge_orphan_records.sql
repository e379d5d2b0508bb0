-- Attendance records made before $1 at a session this service never heard of (a typo, another system's id),
-- at most $2. Records at known sessions are the attendance history and are never purged.
DELETE FROM attendance_records
 WHERE ctid IN (SELECT r.ctid FROM attendance_records r
                 WHERE r.recorded_at < $1
                   AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.session_id = r.session_id)
                 ORDER BY r.recorded_at LIMIT $2 FOR UPDATE SKIP LOCKED)
