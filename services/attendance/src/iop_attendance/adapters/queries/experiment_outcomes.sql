-- Per patient of the clinic: expected visits of the experiment's window (and programs) already past, attended
-- (present, late, left early) and no-shows (absent, or missed with no record).
SELECT v.patient_id,
       count(*) AS sessions,
       count(*) FILTER (WHERE v.status IN ('present', 'late', 'left_early')) AS attended,
       count(*) FILTER (WHERE v.status = 'absent' OR (v.status IS NULL AND v.missed_visit_id IS NOT NULL))
           AS no_shows
  FROM visits v JOIN patients p ON p.patient_id = v.patient_id
 WHERE p.clinic_id = $1 AND v.expected AND v.starts_at >= $2 AND v.starts_at < $3 AND v.starts_at < $4
   AND (cardinality($5::text[]) = 0 OR v.program_id = ANY($5::text[]))
   AND (v.status IS DISTINCT FROM 'excused')
 GROUP BY v.patient_id
 ORDER BY v.patient_id
