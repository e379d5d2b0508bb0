-- Holds nobody confirmed in time: released, and their seats given back, in one statement.
WITH due AS (
    SELECT hold_id FROM holds WHERE state = 'held' AND expires_at <= $1
    ORDER BY expires_at LIMIT 500 FOR UPDATE SKIP LOCKED
), released AS (
    UPDATE holds h SET state = 'released', closed_at = $1 FROM due WHERE h.hold_id = due.hold_id
    RETURNING h.*
), seats AS (
    UPDATE slots s SET held = s.held - n.count
    FROM (SELECT slot_id, count(*) AS count FROM released GROUP BY slot_id) n
    WHERE s.slot_id = n.slot_id
)
SELECT * FROM released
