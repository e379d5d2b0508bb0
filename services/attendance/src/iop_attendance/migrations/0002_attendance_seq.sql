-- An arrival order for attendance records, so the dashboard stream can follow them with a cursor.
ALTER TABLE attendance_records ADD COLUMN seq bigserial;
CREATE INDEX attendance_by_seq ON attendance_records (seq);
