-- Attendance records applied after a cursor.
SELECT r.seq, r.session_id, r.patient_id, r.status, r.recorded_at, r.source
  FROM attendance_records r
 WHERE r.seq > $1
   AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM sessions s WHERE s.session_id = r.session_id AND s.clinic_id = $2))
 ORDER BY r.seq
 LIMIT $3
