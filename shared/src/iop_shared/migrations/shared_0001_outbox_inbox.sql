-- Outbox: events written in the same transaction as the state change, relayed to Kafka.
-- Inbox: event ids a consumer has applied, so a redelivered event changes nothing.
CREATE TABLE outbox (
    id              bigserial PRIMARY KEY,
    event_id        text        NOT NULL UNIQUE,
    topic           text        NOT NULL,
    key             bytea       NOT NULL,
    value           bytea       NOT NULL,
    headers         jsonb       NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    partition       integer,
    inflight_offset bigint,
    sent_at         timestamptz
);
CREATE INDEX outbox_pending ON outbox (id) WHERE sent_at IS NULL;

CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('outbox_' || TG_TABLE_SCHEMA, '');
    RETURN NULL;
END $$;

CREATE TRIGGER outbox_inserted AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

CREATE TABLE inbox (
    consumer    text        NOT NULL,
    event_id    text        NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
