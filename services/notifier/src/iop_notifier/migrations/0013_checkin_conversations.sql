-- Questionnaire check-ins by text (issue 15).
-- Consent to detailed check-ins is its own record on the patient: without it only the neutral 0-10 prompt goes.
ALTER TABLE patients
    ADD COLUMN detailed_checkins_at      timestamptz,
    ADD COLUMN detailed_checkins_method  text;

-- One check-in conversation per row; at most one open per patient (the partial unique index), and every
-- step runs under that row's lock, so two replicas never interleave one patient's conversation.
-- answers holds numbers only ({"phq2": [1, 2], "phq9": [1, 2, 0]}), never the patient's text.
CREATE TABLE conversations (
    conversation_id   text        PRIMARY KEY,
    patient_id        text        NOT NULL,
    clinic_id         text,
    kind              text        NOT NULL,
    state             text        NOT NULL,   -- offered, asking, completed, expired, stopped
    instrument        text        NOT NULL,   -- the one being asked now
    item_index        integer     NOT NULL DEFAULT 0,
    reasked           boolean     NOT NULL DEFAULT false,
    answers           jsonb       NOT NULL DEFAULT '{}'::jsonb,
    step              integer     NOT NULL DEFAULT 0,  -- grows with every message sent: their idempotency key
    prompt_reminder_id text,
    opened_at         timestamptz NOT NULL,
    expires_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    closed_at         timestamptz
);
CREATE UNIQUE INDEX conversations_one_open ON conversations (patient_id) WHERE state IN ('offered', 'asking');
CREATE INDEX conversations_expiring ON conversations (expires_at) WHERE state IN ('offered', 'asking');

-- Why a message was not sent, kept so FHIR Communication can say it (reason codes and ids only).
CREATE TABLE suppressions (
    id              bigserial   PRIMARY KEY,
    source_event_id text        NOT NULL,
    recipient_kind  text        NOT NULL,
    recipient_id    text        NOT NULL,
    reason          text        NOT NULL,
    channel         text,
    at              timestamptz NOT NULL
);
CREATE INDEX suppressions_by_recipient ON suppressions (recipient_id, at);
