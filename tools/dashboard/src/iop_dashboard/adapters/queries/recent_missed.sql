-- Missed visits detected since $1 and not retracted, newest first.
SELECT m.visit_id, m.session_id, m.patient_id, s.kind, m.detected_at
  FROM missed_visits m
  LEFT JOIN sessions s ON s.session_id = m.session_id
 WHERE m.retracted_at IS NULL AND m.detected_at >= $1
 ORDER BY m.detected_at DESC, m.visit_id
 LIMIT $2
