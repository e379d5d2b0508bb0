-- Keep the latest record per patient and session.
INSERT INTO attendance (session_id, patient_id, status, recorded_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (session_id, patient_id) DO UPDATE
   SET status = EXCLUDED.status, recorded_at = EXCLUDED.recorded_at
 WHERE attendance.recorded_at <= EXCLUDED.recorded_at
RETURNING session_id
