-- Coalescing notices: what the patient was last told before an unsent notice (told_cancelled: that it was
-- cancelled). A row from before this migration knows nothing (both unset) and is treated as no baseline.
ALTER TABLE reminders ADD COLUMN told_starts_at timestamptz;
ALTER TABLE reminders ADD COLUMN told_cancelled boolean NOT NULL DEFAULT false;
CREATE INDEX reminders_pending_notices ON reminders USING gin (session_ids) WHERE status = 'pending' AND kind = 'notice';

-- Replans owed after a clinic change, written with the event's inbox claim and worked off in batches, so a
-- failure part-way resumes instead of losing the rest.
CREATE TABLE replan_queue (
    patient_id  text NOT NULL PRIMARY KEY,
    fallback_tz text NOT NULL,
    enqueued_at timestamptz NOT NULL DEFAULT now()
);
