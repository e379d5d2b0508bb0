-- Taken before the seats are recounted, so a YES committing on another replica meanwhile is waited for and then
-- counted (the recount is a later statement, with a fresh snapshot).
SELECT slot_id FROM slots WHERE slot_id = $1 FOR UPDATE
