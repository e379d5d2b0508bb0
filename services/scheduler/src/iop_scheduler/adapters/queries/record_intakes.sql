-- After a session upsert: move each attendee's intake (per program, and "*" across all programs) earlier when
-- one of these sessions ($1) starts before it; never later. One statement for the batch, rows taken in key order
-- so two batches sharing patients never deadlock on their intake rows.
INSERT INTO patient_intakes (patient_id, program_key, intake_at)
SELECT a.patient_id, k.program_key, min(s.starts_at)
FROM sessions s
CROSS JOIN LATERAL unnest(s.attendees) AS a(patient_id)
CROSS JOIN LATERAL unnest(ARRAY['*', s.program_id]) AS k(program_key)
WHERE s.session_id = ANY($1::text[]) AND k.program_key IS NOT NULL
GROUP BY a.patient_id, k.program_key
ORDER BY a.patient_id, k.program_key
ON CONFLICT (patient_id, program_key) DO UPDATE SET intake_at = EXCLUDED.intake_at
    WHERE EXCLUDED.intake_at < patient_intakes.intake_at
