-- Serialises, per session $1 and per patient $2, what the projection keeps across partitions and topics (a session's
-- records arrive on several; a miss names a session and a patient that arrive on their own topics), in one pass
-- sorted by lock so two runs cannot deadlock on them; each statement after it sees what the previous holder committed.
SELECT count(pg_advisory_xact_lock(k))
  FROM (SELECT DISTINCT hashtextextended(k, 0) AS k
          FROM (SELECT 'dashboard.session_counts:' || s FROM unnest($1::text[]) AS s
                UNION ALL
                SELECT 'dashboard.patient:' || p FROM unnest($2::text[]) AS p) AS u(k)
         ORDER BY 1) AS sorted
