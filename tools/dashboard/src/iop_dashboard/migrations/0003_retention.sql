-- Retention: the read model keeps what its charts and lists show (history) and closed items for a while; these
-- indexes let the purge timer find the oldest rows of each in small batches.
CREATE INDEX attendance_recorded ON attendance (recorded_at);
CREATE INDEX missed_visits_detected ON missed_visits (detected_at);
CREATE INDEX notification_counts_hour ON notification_counts (hour);
CREATE INDEX risk_flags_resolved ON risk_flags (resolved_at) WHERE status_rank = 3;
CREATE INDEX concerns_opened ON concerns (opened_at) WHERE opened_at IS NOT NULL;
CREATE INDEX unpaged_flags_noted ON unpaged_flags (noted_at);
