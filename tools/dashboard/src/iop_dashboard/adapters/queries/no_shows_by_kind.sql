-- Missed visits (not retracted) of the clinics $3 detected in [$1, $2), by the kind of their session.
SELECT COALESCE(s.kind, 'unknown') AS kind, count(*) AS count
  FROM missed_visits m
  JOIN patients p ON p.patient_id = m.patient_id
  LEFT JOIN sessions s ON s.session_id = m.session_id
 WHERE m.retracted_at IS NULL AND m.detected_at >= $1 AND m.detected_at < $2 AND p.clinic_id = ANY($3::text[])
 GROUP BY 1
