-- The misses of the sessions $1 (their locks held) take their session's kind as applied so far: NULL while the
-- session is unknown, shown as 'unknown'. Run after a session's upsert and after its misses, whichever comes first.
UPDATE missed_visits m
   SET kind = s.kind
  FROM (SELECT DISTINCT session_id FROM unnest($1::text[]) AS u(session_id)) AS t
  LEFT JOIN sessions s ON s.session_id = t.session_id
 WHERE m.session_id = t.session_id AND m.retracted_at IS NULL AND m.kind IS DISTINCT FROM s.kind
