-- Missed visits (not retracted) of the clinics $3 detected in [$1, $2), by the kind of their session.
-- Each miss keeps its patient's clinic and its session's kind (migration 0007): one index range per clinic.
SELECT COALESCE(m.kind, 'unknown') AS kind, count(*) AS count
  FROM missed_visits m
 WHERE m.clinic_id = ANY($3::text[]) AND m.retracted_at IS NULL AND m.detected_at >= $1 AND m.detected_at < $2
 GROUP BY 1
