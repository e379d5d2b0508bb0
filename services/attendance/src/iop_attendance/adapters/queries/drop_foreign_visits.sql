-- A patient listed by another clinic's session while still unknown turned out to be $2's: those visits go,
-- so they are never missed, never evaluated and never page anyone.
DELETE FROM visits v USING sessions s
 WHERE v.patient_id = $1 AND s.session_id = v.session_id AND s.clinic_id <> $2 AND v.missed_visit_id IS NULL
