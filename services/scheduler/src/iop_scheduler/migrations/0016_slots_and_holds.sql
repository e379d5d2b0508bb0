-- Reschedule by reply: the clinic's open slots, the offers made from them and the seats held for patients.
-- Offers match a session's program and kind, so the session keeps them (NULL for rows written before).
ALTER TABLE sessions ADD COLUMN program_id text, ADD COLUMN kind text;

CREATE TABLE slots (
    slot_id    text PRIMARY KEY,
    clinic_id  text        NOT NULL,
    program_id text        NOT NULL,
    kind       text        NOT NULL,
    starts_at  timestamptz NOT NULL,
    ends_at    timestamptz NOT NULL,
    capacity   integer     NOT NULL CHECK (capacity >= 0),
    held       integer     NOT NULL DEFAULT 0 CHECK (held >= 0),  -- seats taken by holds (active or consumed)
    revision   bigint      NOT NULL
);
CREATE INDEX slots_open ON slots (clinic_id, program_id, kind, starts_at) WHERE held < capacity;
CREATE TRIGGER slots_keep_clinic BEFORE UPDATE OF clinic_id ON slots FOR EACH ROW
    WHEN (NEW.clinic_id IS DISTINCT FROM OLD.clinic_id)
    EXECUTE FUNCTION keep_owning_clinic();

CREATE TABLE reschedule_offers (
    offer_id   text PRIMARY KEY,
    patient_id text        NOT NULL,
    clinic_id  text        NOT NULL,
    session_id text        NOT NULL,
    slot_ids   text[]      NOT NULL,
    offered_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);

-- One hold per offer: held until the clinic confirms (consumed) or it expires (released, the seat given back).
CREATE TABLE holds (
    hold_id    text PRIMARY KEY,
    offer_id   text        NOT NULL UNIQUE REFERENCES reschedule_offers (offer_id),
    slot_id    text        NOT NULL REFERENCES slots (slot_id),
    patient_id text        NOT NULL,
    clinic_id  text        NOT NULL,
    session_id text        NOT NULL,
    state      text        NOT NULL DEFAULT 'held',  -- held, consumed, released
    held_at    timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    closed_at  timestamptz
);
CREATE INDEX holds_expiring ON holds (expires_at) WHERE state = 'held';
CREATE INDEX holds_of_patient ON holds (patient_id) WHERE state = 'held';
