-- Check-in prompts due before $1, at most $2: past the rules' history window they count for nothing.
DELETE FROM prompts
 WHERE ctid IN (SELECT ctid FROM prompts WHERE due_at < $1 ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED)
