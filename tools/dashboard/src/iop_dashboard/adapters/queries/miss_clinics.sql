-- The misses of the patients $1 (their locks held) take their patient's clinic, fixed by its first upsert: NULL
-- (shown to nobody) while the patient is unknown. Run after a patient's upsert and after its misses.
UPDATE missed_visits m
   SET clinic_id = p.clinic_id
  FROM (SELECT DISTINCT patient_id FROM unnest($1::text[]) AS u(patient_id)) AS t
  JOIN patients p ON p.patient_id = t.patient_id
 WHERE m.patient_id = t.patient_id AND m.retracted_at IS NULL AND m.clinic_id IS DISTINCT FROM p.clinic_id
