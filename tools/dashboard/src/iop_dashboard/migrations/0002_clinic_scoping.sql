-- Each record's clinic, so a signed-in user sees only their clinics; the triage queue; flags nobody was paged for.
-- A patient's clinic is fixed by its first upsert (a later upsert naming another clinic is ignored).
CREATE TABLE patients (
    patient_id     text PRIMARY KEY,
    clinic_id      text   NOT NULL,
    care_team_id   text,
    -- Shown only behind sign-in to that clinic's staff, who need it to call a patient in crisis; never logged.
    preferred_name text,
    revision       bigint NOT NULL
);
CREATE INDEX patients_clinic ON patients (clinic_id);

-- Replies nobody could read confidently (intent `concern`): ids only; the text stays in the notifier.
CREATE TABLE concerns (
    concern_id  text PRIMARY KEY,
    patient_id  text        NOT NULL,
    received_at timestamptz NOT NULL,
    opened_at   timestamptz,
    opened_by   text
);
CREATE INDEX concerns_waiting ON concerns (received_at) WHERE opened_at IS NULL;

-- Risk flags whose care team had nobody to page (notification.suppressed, care_team, no_recipient).
CREATE TABLE unpaged_flags (
    flag_id  text PRIMARY KEY,
    noted_at timestamptz NOT NULL
);

-- Counts per clinic (the recipient patient's; '' when unknown, shown to nobody).
ALTER TABLE notification_counts ADD COLUMN clinic_id text NOT NULL DEFAULT '';
ALTER TABLE notification_counts DROP CONSTRAINT notification_counts_pkey;
ALTER TABLE notification_counts ADD PRIMARY KEY (hour, clinic_id, outcome, channel, reason);
