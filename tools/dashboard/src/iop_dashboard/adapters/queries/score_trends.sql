-- Each patient's completed totals per instrument since $2, oldest first (the clinics $1 only).
-- From the clinics' patients to their assessments (one index range each): a clinic is a small part of the network.
SELECT p.patient_id, p.preferred_name, a.instrument,
       array_agg(a.total ORDER BY a.completed_at) AS totals, max(a.completed_at) AS last_at,
       bool_or(a.item9_positive) AS item9_positive
  FROM patients p
 CROSS JOIN LATERAL (
        SELECT a.instrument, a.total, a.completed_at, a.item9_positive FROM assessments a
         WHERE a.patient_id = p.patient_id AND a.status = 'completed' AND a.completed_at >= $2
        OFFSET 0  -- kept a per-patient index scan: never flattened into a scan of every clinic's assessments
       ) AS a
 WHERE p.clinic_id = ANY($1::text[])
 GROUP BY p.patient_id, p.preferred_name, a.instrument
 ORDER BY max(a.completed_at) DESC, p.patient_id, a.instrument
 LIMIT $3
