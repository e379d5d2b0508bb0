-- The one atomic step two patients (on any replica) can race on: at most `capacity` of them get a row back.
UPDATE slots SET held = held + 1
WHERE slot_id = $1 AND held < capacity AND starts_at > $2
RETURNING starts_at
