-- Keep attendance records; a redelivered record (same event id) is kept once.
INSERT INTO attendance_records (event_id, session_id, patient_id, status, recorded_at, source)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[])
ON CONFLICT (event_id) DO NOTHING
