-- Which check-in a checkin_prompt opens (a program's instrument cadence, e.g. PHQ-9 every 14 days); NULL is
-- the neutral 0-10 prompt.
ALTER TABLE reminders ADD COLUMN checkin_kind text;
