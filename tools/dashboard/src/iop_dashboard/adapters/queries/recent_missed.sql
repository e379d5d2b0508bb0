-- Missed visits of the clinics $3 (the patient's clinic) detected since $1 and not retracted, newest first.
-- From the clinics' patients to their misses (one index range each): a clinic is a small part of the network.
SELECT m.visit_id, m.session_id, m.patient_id, s.kind, m.detected_at
  FROM patients p
 CROSS JOIN LATERAL (
        SELECT m.visit_id, m.session_id, m.patient_id, m.detected_at FROM missed_visits m
         WHERE m.patient_id = p.patient_id AND m.retracted_at IS NULL AND m.detected_at >= $1
        OFFSET 0  -- kept a per-patient index scan: never flattened into a scan of every clinic's misses
       ) AS m
  LEFT JOIN sessions s ON s.session_id = m.session_id
 WHERE p.clinic_id = ANY($3::text[])
 ORDER BY m.detected_at DESC, m.visit_id
 LIMIT $2
