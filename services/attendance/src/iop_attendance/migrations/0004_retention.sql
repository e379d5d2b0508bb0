-- Retention: check-in prompts past the rules' history window and records at sessions never heard of are purged
-- in small batches; these indexes find the oldest of each without a scan.
CREATE INDEX prompts_due ON prompts (due_at);
CREATE INDEX attendance_by_recorded_at ON attendance_records (recorded_at);
