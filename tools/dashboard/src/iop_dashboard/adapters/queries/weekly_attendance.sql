-- Per local week ($3 is the zone), sessions of the clinics $4 started in [$1, $2) and not cancelled: expected attendees,
-- those who attended (present, late or left early), and excused absences (counts kept per session: session_counts).
SELECT (date_trunc('week', c.starts_at AT TIME ZONE $3))::date AS week_start,
       sum(c.expected)::bigint                          AS expected,
       sum(c.present + c.late + c.left_early)::bigint   AS attended,
       sum(c.excused)::bigint                           AS excused
  FROM session_counts c
 WHERE NOT c.cancelled AND c.starts_at >= $1 AND c.starts_at < $2 AND c.clinic_id = ANY($4::text[])
   AND c.expected > 0
 GROUP BY 1
 ORDER BY 1
