-- Flags raised and not resolved (an acknowledgement alone keeps a flag on the page).
SELECT flag_id, patient_id, care_team_id, severity, rule, reasons, raised_at, status,
       acknowledged_at, acknowledged_by
  FROM risk_flags
 WHERE status_rank < 3 AND raised_at IS NOT NULL
 ORDER BY raised_at, flag_id
 LIMIT $1
