-- One flag per (patient, rule, pattern); returns the ids of the flags actually raised.
INSERT INTO flags (flag_id, patient_id, clinic_id, care_team_id, rule, severity, rule_set_version, pattern_key,
                   reasons, evidence, raised_at)
SELECT f.*, $11::timestamptz
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
              $9::jsonb[], $10::jsonb[]) AS f
ON CONFLICT (patient_id, rule, pattern_key) DO NOTHING
RETURNING flag_id
