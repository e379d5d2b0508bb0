-- A patient's check-in cadence follows the program of their sessions (SCHEDULER_CHECKIN_CADENCE per program).
-- 0016 added the column for reschedule offers; the session upsert now writes it too. Nullable, so rows from
-- before either carry NULL and follow the every-program ("*") schedule until their next revision.
ALTER TABLE sessions ADD COLUMN IF NOT EXISTS program_id text;
