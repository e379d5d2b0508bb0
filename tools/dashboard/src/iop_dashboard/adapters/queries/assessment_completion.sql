-- Check-ins offered and completed since $2 by program (the program of the patient's latest expected session).
WITH program_of AS (
    SELECT DISTINCT ON (ea.patient_id) ea.patient_id, s.program_id
      FROM expected_attendees ea JOIN sessions s ON s.session_id = ea.session_id
     WHERE s.program_id IS NOT NULL
     ORDER BY ea.patient_id, s.starts_at DESC
)
SELECT COALESCE(g.program_id, '') AS program_id, a.instrument, count(*) AS offered,
       count(*) FILTER (WHERE a.status = 'completed') AS completed
  FROM assessments a
  JOIN patients p ON p.patient_id = a.patient_id
  LEFT JOIN program_of g ON g.patient_id = a.patient_id
 WHERE a.completed_at >= $2 AND p.clinic_id = ANY($1::text[])
 GROUP BY 1, 2
 ORDER BY 1, 2
