-- Check-ins offered and completed since $2 by program (the program of the patient's latest expected session, kept on
-- its roster rows: migration 0007), the clinics $1 only: from the clinics' patients, index probes each.
SELECT COALESCE(g.program_id, '') AS program_id, a.instrument, count(*) AS offered,
       count(*) FILTER (WHERE a.status = 'completed') AS completed
  FROM patients p
 CROSS JOIN LATERAL (
        SELECT a.instrument, a.status FROM assessments a WHERE a.patient_id = p.patient_id AND a.completed_at >= $2
        OFFSET 0  -- kept a per-patient index scan: never flattened into a scan of every clinic's assessments
       ) AS a
  LEFT JOIN LATERAL (
        SELECT e.program_id FROM expected_attendees e
         WHERE e.patient_id = p.patient_id AND e.program_id IS NOT NULL
         ORDER BY e.starts_at DESC
         LIMIT 1
       ) AS g ON true
 WHERE p.clinic_id = ANY($1::text[])
 GROUP BY 1, 2
 ORDER BY 1, 2
