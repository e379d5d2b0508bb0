-- Missed visits of the clinics $3 (the patient's clinic) detected since $1 and not retracted, newest first.
SELECT m.visit_id, m.session_id, m.patient_id, s.kind, m.detected_at
  FROM missed_visits m
  JOIN patients p ON p.patient_id = m.patient_id
  LEFT JOIN sessions s ON s.session_id = m.session_id
 WHERE m.retracted_at IS NULL AND m.detected_at >= $1 AND p.clinic_id = ANY($3::text[])
 ORDER BY m.detected_at DESC, m.visit_id
 LIMIT $2
