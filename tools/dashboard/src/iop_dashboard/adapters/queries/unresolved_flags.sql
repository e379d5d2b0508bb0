-- Flags of the clinics $2 raised and not resolved (an acknowledgement alone keeps a flag on the page).
SELECT f.flag_id, f.patient_id, p.clinic_id, p.preferred_name, f.care_team_id, f.severity, f.rule, f.reasons,
       f.raised_at, f.status, f.acknowledged_at, f.acknowledged_by, (u.flag_id IS NOT NULL) AS nobody_paged
  FROM risk_flags f
  JOIN patients p ON p.patient_id = f.patient_id
  LEFT JOIN unpaged_flags u ON u.flag_id = f.flag_id
 WHERE f.status_rank < 3 AND f.raised_at IS NOT NULL AND p.clinic_id = ANY($2::text[])
 ORDER BY f.raised_at, f.flag_id
 LIMIT $1
