-- Care teams answer by text: who was paged for which alert, from which number, so an `ACK` reply from that
-- number (and only that number) acknowledges it.
CREATE TABLE alert_pages (
    flag_id         text        NOT NULL,
    member_id       text        NOT NULL,
    care_team_id    text        NOT NULL,
    phone           text        NOT NULL,
    code            text        NOT NULL,
    paged_at        timestamptz NOT NULL,
    PRIMARY KEY (flag_id, member_id)
);
CREATE INDEX alert_pages_by_phone ON alert_pages (phone, paged_at DESC);

-- Telehealth: the join link goes into the session's reminders (checked lock-screen safe at ingest).
ALTER TABLE sessions ADD COLUMN join_url text;

-- Reschedule by reply: the slots offered to a patient ("Reply A, B or C"), until chosen or expired. The
-- scheduler owns seats and holds; this is only the conversation's state.
CREATE TABLE reschedule_offers (
    offer_id    text PRIMARY KEY,
    patient_id  text        NOT NULL,
    clinic_id   text        NOT NULL,
    session_id  text        NOT NULL,
    options     jsonb       NOT NULL,  -- [{"choice": "A", "slot_id": ..., "starts_at": ...}]
    offered_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    choice      text,
    chosen_at   timestamptz
);
CREATE INDEX reschedule_offers_open ON reschedule_offers (patient_id, offered_at DESC) WHERE choice IS NULL;

-- Support persons: reminders of the session kinds they were invited to, nothing else. The set is replaced with
-- each applied patient revision; a revoked consent stays as a row that sends nothing.
CREATE TABLE support_persons (
    patient_id    text        NOT NULL,
    support_id    text        NOT NULL,
    phone         text,
    email         text,
    locale        text        NOT NULL,
    session_kinds text[]      NOT NULL,
    consented     boolean     NOT NULL,
    PRIMARY KEY (patient_id, support_id)
);
ALTER TABLE sessions ADD COLUMN kind text;

-- Experiments: the arm each reminder went out under, so the report can be checked against what was sent.
CREATE TABLE experiment_sends (
    request_id    bigint      PRIMARY KEY,
    experiment_id text        NOT NULL,
    arm           text        NOT NULL,
    patient_id    text        NOT NULL,
    decided_at    timestamptz NOT NULL
);
CREATE INDEX experiment_sends_by_arm ON experiment_sends (experiment_id, arm);
