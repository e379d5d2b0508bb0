-- Sends that survive crashes and ambiguous provider errors, and status callbacks that arrive early.
-- attempt fences a claim: whoever holds the current token may start the provider call, nobody else.
-- lease_until (database clock) is how long a claim not yet started belongs to its process.
-- call_started_at (database clock) says the provider may have received the message: never sent blindly again.
-- address and body_digest let reconciliation find the message at the provider (the phone is already in
-- the read models; the body is kept only as a hash).
ALTER TABLE ledger
    ADD COLUMN attempt          text,
    ADD COLUMN lease_until      timestamptz,
    ADD COLUMN call_started_at  timestamptz,
    ADD COLUMN reconcile_at     timestamptz,
    ADD COLUMN address          text,
    ADD COLUMN body_digest      text;
CREATE INDEX ledger_open ON ledger (id) WHERE state IN ('claimed', 'unknown');

-- A status callback for a MessageSid not yet in the ledger (it raced mark_sent): applied when the send is.
CREATE TABLE pending_callbacks (
    message_sid     text        NOT NULL,
    status          text        NOT NULL,
    error_code      text,
    received_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (message_sid, status)
);
