-- The first opening is the one kept.
UPDATE concerns SET opened_at = $2, opened_by = $3
 WHERE concern_id = $1 AND opened_at IS NULL
RETURNING concern_id
