INSERT INTO unpaged_flags (flag_id, noted_at)
VALUES ($1, $2)
ON CONFLICT (flag_id) DO NOTHING
RETURNING flag_id
