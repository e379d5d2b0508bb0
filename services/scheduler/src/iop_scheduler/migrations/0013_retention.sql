-- Retention: finished plan rows and long-past sessions are purged in small batches; these indexes find the
-- oldest of each without a scan.
CREATE INDEX reminders_finished ON reminders (expires_at) WHERE status <> 'pending';
CREATE INDEX sessions_ended ON sessions (ends_at);
CREATE INDEX confirmations_by_session ON confirmations (session_id);
