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
-- Check-in completion is shown by the program of each patient's latest expected session: each expected attendee
-- keeps its session's start and program (written with the attendee list, in the session upsert's statement), so a
-- clinic's patients find theirs with one index probe each instead of sorting every roster of the network.
ALTER TABLE expected_attendees ADD COLUMN IF NOT EXISTS starts_at timestamptz;
ALTER TABLE expected_attendees ADD COLUMN IF NOT EXISTS program_id text;
UPDATE expected_attendees e SET starts_at = s.starts_at, program_id = s.program_id
  FROM sessions s WHERE s.session_id = e.session_id;
CREATE INDEX IF NOT EXISTS expected_attendees_latest_program ON expected_attendees (patient_id, starts_at DESC)
    INCLUDE (program_id) WHERE program_id IS NOT NULL;
-- Score trends and completion read a clinic's patients' assessments one patient at a time: everything they show is
-- in the index, so a patient costs one index range and no table reads once the rows are all-visible.
CREATE INDEX IF NOT EXISTS assessments_by_patient_shown ON assessments (patient_id, completed_at)
    INCLUDE (instrument, status, total, item9_positive);
DROP INDEX IF EXISTS assessments_by_patient;
