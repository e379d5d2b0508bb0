-- record_attendance for many (session, patient) pairs at once (each at most once per call).
INSERT INTO attendance (session_id, patient_id, status, recorded_at)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) ORDER BY 1, 2
ON CONFLICT (session_id, patient_id) DO UPDATE
   SET status = EXCLUDED.status, recorded_at = EXCLUDED.recorded_at
 WHERE attendance.recorded_at <= EXCLUDED.recorded_at
RETURNING session_id
