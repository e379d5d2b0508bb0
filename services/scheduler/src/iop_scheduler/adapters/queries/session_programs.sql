-- The program of each session (experiment arms limited to some programs).
SELECT session_id, program_id FROM sessions WHERE session_id = ANY($1::text[])
