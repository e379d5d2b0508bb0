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
