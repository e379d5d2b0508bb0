-- A patient's intake per program: the earliest session start the scheduler has seen for the patient in that
-- program ("*": across all programs). A check-in cadence ("PHQ-9 at intake and every 14 days") counts from it;
-- planning reads only a window of sessions, so the first session it reads moves forward and cannot be the intake.
-- The session upsert writes it and only ever moves it earlier (never on a cancellation or a purge).
CREATE TABLE patient_intakes (
    patient_id  text NOT NULL,
    program_key text NOT NULL,
    intake_at   timestamptz NOT NULL,
    PRIMARY KEY (patient_id, program_key)
);

INSERT INTO patient_intakes (patient_id, program_key, intake_at)
SELECT a.patient_id, k.program_key, min(s.starts_at)
FROM sessions s
CROSS JOIN LATERAL unnest(s.attendees) AS a(patient_id)
CROSS JOIN LATERAL unnest(ARRAY['*', s.program_id]) AS k(program_key)
WHERE k.program_key IS NOT NULL
GROUP BY a.patient_id, k.program_key;
