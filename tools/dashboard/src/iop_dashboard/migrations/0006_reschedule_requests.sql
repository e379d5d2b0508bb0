-- Reschedule requests waiting for the clinic: a seat held for a patient until it is confirmed or expires.
CREATE TABLE reschedule_requests (
    hold_id         text PRIMARY KEY,
    clinic_id       text        NOT NULL,
    patient_id      text        NOT NULL,
    session_id      text        NOT NULL,
    slot_id         text        NOT NULL,
    slot_starts_at  timestamptz NOT NULL,
    hold_expires_at timestamptz NOT NULL,
    requested_at    timestamptz NOT NULL,
    closed_at       timestamptz,
    outcome         text
);
CREATE INDEX reschedule_requests_pending ON reschedule_requests (clinic_id, hold_expires_at) WHERE closed_at IS NULL;
