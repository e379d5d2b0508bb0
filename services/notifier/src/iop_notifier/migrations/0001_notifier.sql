-- Read models of the inbound topics, applied by revision.
CREATE TABLE clinics (
    clinic_id       text PRIMARY KEY,
    public_name     text        NOT NULL,
    callback_phone  text        NOT NULL,
    timezone        text        NOT NULL,
    default_locale  text        NOT NULL,
    quiet_start     time,
    quiet_end       time,
    revision        bigint      NOT NULL
);

CREATE TABLE patients (
    patient_id      text PRIMARY KEY,
    clinic_id       text        NOT NULL,
    phone           text,
    email           text,
    timezone        text        NOT NULL,
    locale          text        NOT NULL,
    channels        text[]      NOT NULL,
    consent_sms     boolean     NOT NULL,
    consent_email   boolean     NOT NULL,
    care_team_id    text        NOT NULL,
    discharged_at   timestamptz,
    revision        bigint      NOT NULL
);
CREATE INDEX patients_by_phone ON patients (phone);

-- Opt-out (STOP, Twilio 21610) and invalid numbers (21211) belong to the number, not to a patient revision.
CREATE TABLE phone_state (
    phone           text PRIMARY KEY,
    opted_out       boolean     NOT NULL DEFAULT false,
    invalid         boolean     NOT NULL DEFAULT false,
    updated_at      timestamptz NOT NULL
);

CREATE TABLE care_teams (
    care_team_id    text PRIMARY KEY,
    clinic_id       text        NOT NULL,
    members         jsonb       NOT NULL,
    revision        bigint      NOT NULL
);

CREATE TABLE sessions (
    session_id      text PRIMARY KEY,
    clinic_id       text        NOT NULL,
    starts_at       timestamptz NOT NULL,
    place_label     text,
    telehealth      boolean     NOT NULL,
    cancelled       boolean     NOT NULL DEFAULT false,
    revision        bigint      NOT NULL
);

-- One row per notification to deliver; the dispatcher leases due rows with FOR UPDATE SKIP LOCKED.
CREATE TABLE requests (
    id              bigserial PRIMARY KEY,
    source_event_id text        NOT NULL,
    recipient_kind  text        NOT NULL,
    recipient_id    text        NOT NULL,
    purpose         text        NOT NULL,
    clinic_id       text,
    session_ids     text[]      NOT NULL DEFAULT '{}',
    urgent          boolean     NOT NULL DEFAULT false,
    is_reply        boolean     NOT NULL DEFAULT false,
    channels        text[],      -- fixed channels (care-team alerts, replies); NULL = the patient's order
    exclude_channels text[]     NOT NULL DEFAULT '{}',
    extra           jsonb       NOT NULL DEFAULT '{}',
    expires_at      timestamptz,
    received_at     timestamptz NOT NULL,
    not_before      timestamptz NOT NULL,
    deferred        boolean     NOT NULL DEFAULT false,
    state           text        NOT NULL DEFAULT 'pending',  -- pending, leased, sending, done
    lease_until     timestamptz,
    UNIQUE (source_event_id, recipient_id)
);
CREATE INDEX requests_due ON requests (not_before) WHERE state IN ('pending', 'leased');

-- The ledger: a row is claimed before the provider is called, so a crash or a redelivery never sends twice.
CREATE TABLE ledger (
    id                  bigserial PRIMARY KEY,
    notification_id     text        NOT NULL UNIQUE,
    request_id          bigint      NOT NULL REFERENCES requests (id),
    source_event_id     text        NOT NULL,
    recipient_kind      text        NOT NULL,
    recipient_id        text        NOT NULL,
    channel             text        NOT NULL,
    provider            text,
    state               text        NOT NULL,  -- claimed, sent, queued, delivered, undelivered, failed, ...
    provider_message_id text UNIQUE,
    error_code          text,
    counts_against_cap  boolean     NOT NULL,
    claimed_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    UNIQUE (source_event_id, recipient_id, channel)
);
CREATE INDEX ledger_capped ON ledger (recipient_id, claimed_at) WHERE counts_against_cap;
CREATE INDEX ledger_claimed ON ledger (claimed_at) WHERE state = 'claimed';

CREATE TABLE webhook_receipts (
    token           text PRIMARY KEY,
    received_at     timestamptz NOT NULL
);

-- Raw reply texts stay here only (never on the bus), purged after the retention setting.
CREATE TABLE inbound_messages (
    id              text PRIMARY KEY,
    patient_id      text,
    channel         text        NOT NULL,
    body            text        NOT NULL,
    intent          text,
    value           integer,
    received_at     timestamptz NOT NULL
);

-- What the embedded channel "sent": shown by the API, never delivered to a phone or a mailbox.
CREATE TABLE embedded_messages (
    id              bigserial PRIMARY KEY,
    notification_id text        NOT NULL UNIQUE,
    recipient_kind  text        NOT NULL,
    recipient_id    text        NOT NULL,
    channel         text        NOT NULL,
    subject         text,
    body            text        NOT NULL,
    created_at      timestamptz NOT NULL
);
CREATE INDEX embedded_by_recipient ON embedded_messages (recipient_id, id);

CREATE TABLE alerts (
    flag_id             text PRIMARY KEY,
    patient_id          text        NOT NULL,
    care_team_id        text,
    severity            text        NOT NULL,
    rule                text        NOT NULL,
    level               integer     NOT NULL DEFAULT 0,
    next_escalation_at  timestamptz,
    acknowledged_at     timestamptz,
    resolved_at         timestamptz,
    raised_at           timestamptz NOT NULL
);
CREATE INDEX alerts_escalation ON alerts (next_escalation_at)
    WHERE acknowledged_at IS NULL AND resolved_at IS NULL;
