-- Serialises recounts of a session across partitions (its records arrive on several), in one sorted pass so two
-- runs cannot deadlock; the recount that follows is a new statement, so it sees what the previous holder committed.
SELECT count(pg_advisory_xact_lock(hashtextextended('dashboard.session_counts:' || s, 0)))
  FROM (SELECT DISTINCT s FROM unnest($1::text[]) AS u(s) ORDER BY s) AS sorted
