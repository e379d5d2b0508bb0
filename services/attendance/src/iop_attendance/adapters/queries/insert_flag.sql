INSERT INTO flags (flag_id, patient_id, clinic_id, care_team_id, rule, severity, rule_set_version, pattern_key,
                   reasons, evidence, raised_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb, $11)
ON CONFLICT (patient_id, rule, pattern_key) DO NOTHING
RETURNING flag_id
