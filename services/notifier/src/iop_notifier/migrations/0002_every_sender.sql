-- Every crisis sender answered, every page reaching someone, a person for every unreadable text.
-- alerts now hold four kinds: flag (a risk flag), crisis (paged directly from a crisis text, adopted by the
-- flag attendance raises for it), sender (an unknown number's crisis, clinic level), concern (triage).
ALTER TABLE alerts ALTER COLUMN patient_id DROP NOT NULL;
ALTER TABLE alerts
    ADD COLUMN kind              text        NOT NULL DEFAULT 'flag',
    ADD COLUMN clinic_id         text,
    ADD COLUMN roster_id         text,        -- the team actually paged: the care team or a fallback roster
    ADD COLUMN roster_fallback   boolean     NOT NULL DEFAULT false,
    ADD COLUMN paged             boolean     NOT NULL DEFAULT false,
    ADD COLUMN checkin_event_id  text,        -- the check-in's CloudEvent id, as attendance cites it in evidence
    ADD COLUMN risk_flag_id      text UNIQUE, -- the risk flag that adopted a crisis alert
    ADD COLUMN message_id        text,        -- the inbound message (concern: its raw text)
    ADD COLUMN opened_at         timestamptz,
    ADD COLUMN opened_by         text;
CREATE INDEX alerts_by_checkin_event ON alerts (checkin_event_id) WHERE checkin_event_id IS NOT NULL;
CREATE INDEX alerts_by_team ON alerts (care_team_id) WHERE acknowledged_at IS NULL AND resolved_at IS NULL;
CREATE INDEX alerts_concerns ON alerts (clinic_id, raised_at) WHERE kind = 'concern';

-- Unknown senders: the phone stays here, the bus only ever sees the opaque sender id.
CREATE TABLE senders (
    sender_id       text PRIMARY KEY,
    phone           text        NOT NULL,
    updated_at      timestamptz NOT NULL
);

-- The key of the sender ids' HMAC: random per deployment, shared by every replica through the database.
CREATE TABLE sender_key (
    id              boolean PRIMARY KEY DEFAULT true CHECK (id),
    key             text        NOT NULL
);
INSERT INTO sender_key (key) VALUES (gen_random_uuid()::text || gen_random_uuid()::text);

ALTER TABLE inbound_messages
    ADD COLUMN sender_id          text,
    ADD COLUMN receiving_clinic_id text;

-- Alerts raised before this migration: the team they paged is their roster; one still waiting for its team
-- (level -1) is paged when that team arrives.
UPDATE alerts SET roster_id = care_team_id, paged = true WHERE level >= 0;
