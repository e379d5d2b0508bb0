-- Missed visits of the clinics $3 (the patient's clinic) detected since $1 and not retracted, newest first.
-- Each miss keeps its patient's clinic and its session's kind (migration 0007): one index range per clinic.
SELECT m.visit_id, m.session_id, m.patient_id, m.kind, m.detected_at
  FROM missed_visits m
 WHERE m.clinic_id = ANY($3::text[]) AND m.retracted_at IS NULL AND m.detected_at >= $1
 ORDER BY m.detected_at DESC, m.visit_id
 LIMIT $2
