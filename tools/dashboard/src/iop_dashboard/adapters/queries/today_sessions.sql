-- Sessions of the clinics $4 starting in [$1, $2) with expected attendees and recorded statuses; $3 caps the rows.
SELECT s.session_id, s.program_id, s.kind, s.starts_at, s.ends_at, s.cancelled,
       count(e.patient_id)                                     AS expected,
       count(*) FILTER (WHERE a.status = 'present')            AS present,
       count(*) FILTER (WHERE a.status = 'late')               AS late,
       count(*) FILTER (WHERE a.status = 'left_early')         AS left_early,
       count(*) FILTER (WHERE a.status = 'absent')             AS absent,
       count(*) FILTER (WHERE a.status = 'excused')            AS excused,
       (SELECT count(*) FROM missed_visits m
         WHERE m.session_id = s.session_id AND m.retracted_at IS NULL) AS missed
  FROM sessions s
  LEFT JOIN expected_attendees e ON e.session_id = s.session_id
  LEFT JOIN attendance a ON a.session_id = e.session_id AND a.patient_id = e.patient_id
 WHERE s.starts_at >= $1 AND s.starts_at < $2 AND s.clinic_id = ANY($4::text[])
 GROUP BY s.session_id
 ORDER BY s.starts_at, s.session_id
 LIMIT $3
