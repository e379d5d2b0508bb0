-- flag_unpaged for many flags at once.
INSERT INTO unpaged_flags (flag_id, noted_at)
SELECT DISTINCT ON (f) f, a FROM unnest($1::text[], $2::timestamptz[]) AS t(f, a) ORDER BY f, a
ON CONFLICT (flag_id) DO NOTHING
