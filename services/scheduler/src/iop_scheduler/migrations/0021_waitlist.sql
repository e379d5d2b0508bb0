-- Waitlist backfill: a session with capacity keeps the clinic's waitlist; its released seats are a slot of its
-- own (session_id set), so a waitlisted patient's YES takes a seat with the same atomic UPDATE as a hold.
ALTER TABLE sessions ADD COLUMN capacity integer, ADD COLUMN waitlist text[] NOT NULL DEFAULT '{}';
ALTER TABLE slots ADD COLUMN session_id text;
CREATE UNIQUE INDEX slots_of_session ON slots (session_id) WHERE session_id IS NOT NULL;
