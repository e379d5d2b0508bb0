-- The plan locks of many patients, taken in patient id order (two batches never wait on each other in a cycle).
SELECT p.patient_id, p.clinic_id, p.timezone, p.discharged_at, p.revision, p.plan_version,
       c.timezone AS clinic_timezone, c.quiet_start, c.quiet_end
FROM patients p LEFT JOIN clinics c ON c.clinic_id = p.clinic_id
WHERE p.patient_id = ANY ($1::text[])
ORDER BY p.patient_id
FOR UPDATE OF p
