-- Attendance state: who is expected when, what was recorded, misses published, and risk flags.
CREATE TABLE patients (
    patient_id    text PRIMARY KEY,
    clinic_id     text NOT NULL,
    care_team_id  text,
    age_group     text NOT NULL DEFAULT 'adult',
    timezone      text NOT NULL DEFAULT 'UTC',
    discharged_at timestamptz,
    revision      bigint NOT NULL
);

CREATE TABLE sessions (
    session_id  text PRIMARY KEY,
    clinic_id   text,
    program_id  text,
    kind        text,
    starts_at   timestamptz,
    ends_at     timestamptz,
    cancelled   boolean NOT NULL DEFAULT false,
    revision    bigint NOT NULL
);

-- One row per (session, patient): expected from the roster, or a walk-in seen without being expected.
-- A row is a durable timer while expected, due and neither missed nor attended/excused.
CREATE TABLE visits (
    session_id       text NOT NULL,
    patient_id       text NOT NULL,
    program_id       text NOT NULL,
    kind             text NOT NULL,
    starts_at        timestamptz NOT NULL,
    ends_at          timestamptz NOT NULL,
    due_at           timestamptz NOT NULL,
    expected         boolean NOT NULL,
    status           text,
    missed_visit_id  text,
    missed_event_id  text,
    missed_at        timestamptz,
    PRIMARY KEY (session_id, patient_id)
);
CREATE INDEX visits_timers ON visits (due_at)
    WHERE expected AND missed_visit_id IS NULL AND (status IS NULL OR status = 'absent');
CREATE INDEX visits_by_patient ON visits (patient_id, starts_at);
CREATE INDEX visits_by_program ON visits (program_id, starts_at);

CREATE TABLE attendance_records (
    event_id     text PRIMARY KEY,
    session_id   text NOT NULL,
    patient_id   text NOT NULL,
    status       text NOT NULL,
    recorded_at  timestamptz NOT NULL,
    source       text NOT NULL
);
CREATE INDEX attendance_by_visit ON attendance_records (session_id, patient_id, recorded_at);

CREATE TABLE checkins (
    checkin_id          text PRIMARY KEY,
    event_id            text NOT NULL,
    patient_id          text NOT NULL,
    intent              text NOT NULL,
    value               integer,
    prompt_reminder_id  text,
    received_at         timestamptz NOT NULL
);
CREATE INDEX checkins_by_patient ON checkins (patient_id, received_at);

CREATE TABLE prompts (
    reminder_id  text PRIMARY KEY,
    patient_id   text NOT NULL,
    due_at       timestamptz NOT NULL
);
CREATE INDEX prompts_by_patient ON prompts (patient_id, due_at);

CREATE TABLE flags (
    flag_id            text PRIMARY KEY,
    patient_id         text NOT NULL,
    clinic_id          text,
    care_team_id       text,
    rule               text NOT NULL,
    severity           text NOT NULL,
    rule_set_version   text NOT NULL,
    pattern_key        text NOT NULL,
    reasons            jsonb NOT NULL,
    evidence           jsonb NOT NULL,
    raised_at          timestamptz NOT NULL,
    status             text NOT NULL DEFAULT 'open',
    acknowledged_by    text,
    acknowledged_note  text,
    acknowledged_at    timestamptz,
    resolved_by        text,
    resolved_note      text,
    resolved_at        timestamptz,
    auto_resolved      boolean NOT NULL DEFAULT false,
    UNIQUE (patient_id, rule, pattern_key)
);
CREATE INDEX flags_open ON flags (care_team_id, severity, raised_at) WHERE status <> 'resolved';
CREATE INDEX flags_by_patient ON flags (patient_id, raised_at);
