-- Sessions of the clinics $4 starting in [$1, $2) with expected attendees and recorded statuses; $3 caps the rows.
-- The counts are kept per session as events change them (session_counts).
SELECT s.session_id, s.program_id, s.kind, s.starts_at, s.ends_at, s.cancelled,
       COALESCE(c.expected, 0)::bigint AS expected, COALESCE(c.present, 0)::bigint AS present,
       COALESCE(c.late, 0)::bigint AS late, COALESCE(c.left_early, 0)::bigint AS left_early,
       COALESCE(c.absent, 0)::bigint AS absent, COALESCE(c.excused, 0)::bigint AS excused,
       COALESCE(c.missed, 0)::bigint AS missed
  FROM sessions s
  LEFT JOIN session_counts c ON c.session_id = s.session_id
 WHERE s.starts_at >= $1 AND s.starts_at < $2 AND s.clinic_id = ANY($4::text[])
 ORDER BY s.starts_at, s.session_id
 LIMIT $3
