-- The flag's details; its status is kept if an acknowledgement or resolution got here first.
INSERT INTO risk_flags (flag_id, patient_id, care_team_id, severity, rule, reasons, raised_at, status, status_rank)
VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', 1)
ON CONFLICT (flag_id) DO UPDATE
   SET care_team_id = COALESCE(EXCLUDED.care_team_id, risk_flags.care_team_id), severity = EXCLUDED.severity,
       rule = EXCLUDED.rule, reasons = EXCLUDED.reasons, raised_at = EXCLUDED.raised_at
RETURNING flag_id
