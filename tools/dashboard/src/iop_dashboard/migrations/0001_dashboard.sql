-- The dashboard's read model, projected from Kafka events; rebuildable by replaying the topics.
CREATE TABLE sessions (
    session_id  text PRIMARY KEY,
    clinic_id   text,
    program_id  text,
    kind        text,
    starts_at   timestamptz,
    ends_at     timestamptz,
    cancelled   boolean     NOT NULL DEFAULT false,
    revision    bigint      NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_starts_at ON sessions (starts_at);

CREATE TABLE expected_attendees (
    session_id  text NOT NULL REFERENCES sessions ON DELETE CASCADE,
    patient_id  text NOT NULL,
    PRIMARY KEY (session_id, patient_id)
);

-- The latest record per patient and session (by recorded_at): a kiosk `late` after a staff `absent` wins.
CREATE TABLE attendance (
    session_id  text        NOT NULL,
    patient_id  text        NOT NULL,
    status      text        NOT NULL,
    recorded_at timestamptz NOT NULL,
    PRIMARY KEY (session_id, patient_id)
);

CREATE TABLE missed_visits (
    visit_id     text PRIMARY KEY,
    session_id   text        NOT NULL,
    patient_id   text        NOT NULL,
    detected_at  timestamptz NOT NULL,
    retracted_at timestamptz
);
CREATE INDEX missed_visits_session ON missed_visits (session_id);
CREATE INDEX missed_visits_recent ON missed_visits (detected_at) WHERE retracted_at IS NULL;

-- status_rank only grows (open 1, acknowledged 2, resolved 3), so events replayed or out of order are harmless.
CREATE TABLE risk_flags (
    flag_id         text PRIMARY KEY,
    patient_id      text     NOT NULL,
    care_team_id    text,
    severity        text,
    rule            text,
    reasons         text[]   NOT NULL DEFAULT '{}',
    raised_at       timestamptz,
    status          text     NOT NULL,
    status_rank     smallint NOT NULL,
    acknowledged_at timestamptz,
    acknowledged_by text,
    resolved_at     timestamptz,
    resolved_by     text
);
CREATE INDEX risk_flags_unresolved ON risk_flags (raised_at) WHERE status_rank < 3;

-- Counts per UTC hour rather than one row per notification: bounded size at millions of messages a month.
CREATE TABLE notification_counts (
    hour     timestamptz NOT NULL,
    outcome  text        NOT NULL,
    channel  text        NOT NULL DEFAULT '',
    reason   text        NOT NULL DEFAULT '',
    n        bigint      NOT NULL,
    PRIMARY KEY (hour, outcome, channel, reason)
);
