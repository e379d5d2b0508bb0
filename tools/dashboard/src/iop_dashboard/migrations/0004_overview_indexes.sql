-- The overview reads one clinic's rows out of a network's (100,000 patients and more): each list is reached from
-- the clinic's sessions or patients, not by scanning every clinic's recent rows.
CREATE INDEX IF NOT EXISTS sessions_clinic_starts ON sessions (clinic_id, starts_at);
CREATE INDEX IF NOT EXISTS missed_visits_patient ON missed_visits (patient_id, detected_at) WHERE retracted_at IS NULL;
CREATE INDEX IF NOT EXISTS risk_flags_patient_unresolved ON risk_flags (patient_id) WHERE status_rank < 3;
CREATE INDEX IF NOT EXISTS concerns_patient_waiting ON concerns (patient_id) WHERE opened_at IS NULL;

-- Each session's expected attendees and their latest statuses, counted once when an event changes them (in the
-- event's transaction) rather than at every render: a clinic's eight charted weeks are thousands of sessions.
-- The session's clinic, start and cancellation are copied so the charts read this table alone, by clinic and time.
CREATE TABLE IF NOT EXISTS session_counts (
    session_id  text PRIMARY KEY,
    clinic_id   text,
    starts_at   timestamptz,
    cancelled   boolean NOT NULL,
    expected    integer NOT NULL,
    present     integer NOT NULL,
    late        integer NOT NULL,
    left_early  integer NOT NULL,
    absent      integer NOT NULL,
    excused     integer NOT NULL,
    missed      integer NOT NULL
);
CREATE INDEX IF NOT EXISTS session_counts_clinic_starts ON session_counts (clinic_id, starts_at);
INSERT INTO session_counts
SELECT s.session_id, s.clinic_id, s.starts_at, s.cancelled, count(e.patient_id),
       count(*) FILTER (WHERE a.status = 'present'), count(*) FILTER (WHERE a.status = 'late'),
       count(*) FILTER (WHERE a.status = 'left_early'), count(*) FILTER (WHERE a.status = 'absent'),
       count(*) FILTER (WHERE a.status = 'excused'),
       (SELECT count(*) FROM missed_visits m WHERE m.session_id = s.session_id AND m.retracted_at IS NULL)
  FROM sessions s
  LEFT JOIN expected_attendees e ON e.session_id = s.session_id
  LEFT JOIN attendance a ON a.session_id = e.session_id AND a.patient_id = e.patient_id
 GROUP BY s.session_id
ON CONFLICT (session_id) DO NOTHING;
