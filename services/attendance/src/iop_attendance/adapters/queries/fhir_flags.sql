SELECT f.flag_id, f.patient_id, f.rule, f.severity, f.reasons, f.raised_at, f.status, f.resolved_at
FROM flags f
WHERE f.patient_id = $1 AND ($2::text IS NULL OR f.clinic_id = $2)
ORDER BY f.raised_at DESC, f.flag_id
LIMIT $3
