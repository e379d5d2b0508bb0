-- Per local week ($3 is the zone), sessions of the clinics $4 started in [$1, $2) and not cancelled: expected attendees,
-- those who attended (present, late or left early), and excused absences.
SELECT (date_trunc('week', s.starts_at AT TIME ZONE $3))::date AS week_start,
       count(e.patient_id)                                                    AS expected,
       count(*) FILTER (WHERE a.status IN ('present', 'late', 'left_early'))  AS attended,
       count(*) FILTER (WHERE a.status = 'excused')                           AS excused
  FROM sessions s
  JOIN expected_attendees e ON e.session_id = s.session_id
  LEFT JOIN attendance a ON a.session_id = e.session_id AND a.patient_id = e.patient_id
 WHERE NOT s.cancelled AND s.starts_at >= $1 AND s.starts_at < $2 AND s.clinic_id = ANY($4::text[])
 GROUP BY 1
 ORDER BY 1
