-- The overview's miss list and no-show chart read one clinic's misses out of a network's. Reached from the clinic's
-- patients they were a probe per patient and one per miss for its session's kind (1,000 and 2,400 for a clinic of
-- 1,000: two thirds of the overview's time). Each miss now keeps its patient's clinic and its session's kind, set
-- by the projection under its per-patient and per-session locks whichever event arrives first, so both reads are
-- one range of one index.
ALTER TABLE missed_visits ADD COLUMN IF NOT EXISTS clinic_id text;
ALTER TABLE missed_visits ADD COLUMN IF NOT EXISTS kind text;
UPDATE missed_visits m SET clinic_id = p.clinic_id FROM patients p WHERE p.patient_id = m.patient_id;
UPDATE missed_visits m SET kind = s.kind FROM sessions s WHERE s.session_id = m.session_id;
CREATE INDEX IF NOT EXISTS missed_visits_clinic_recent ON missed_visits (clinic_id, detected_at DESC, visit_id)
    INCLUDE (session_id, patient_id, kind) WHERE retracted_at IS NULL;
