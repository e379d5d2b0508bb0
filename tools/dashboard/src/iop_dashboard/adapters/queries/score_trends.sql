-- Each patient's completed totals per instrument since $2, oldest first (the clinics $1 only).
SELECT a.patient_id, p.preferred_name, a.instrument,
       array_agg(a.total ORDER BY a.completed_at) AS totals, max(a.completed_at) AS last_at,
       bool_or(a.item9_positive) AS item9_positive
  FROM assessments a
  JOIN patients p ON p.patient_id = a.patient_id
 WHERE a.status = 'completed' AND a.completed_at >= $2 AND p.clinic_id = ANY($1::text[])
 GROUP BY a.patient_id, p.preferred_name, a.instrument
 ORDER BY max(a.completed_at) DESC, a.patient_id, a.instrument
 LIMIT $3
