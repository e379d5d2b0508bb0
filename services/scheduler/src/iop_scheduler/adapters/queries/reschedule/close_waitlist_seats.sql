-- A session cancelled, or no longer with a capacity: no waitlisted patient can take a seat of it any more.
UPDATE slots SET capacity = 0 WHERE session_id = $1
