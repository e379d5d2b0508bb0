-- The scheduler's state: what it knows of clinics, patients and sessions, and the reminder plan.
CREATE TABLE clinics (
    clinic_id   text PRIMARY KEY,
    timezone    text NOT NULL,
    quiet_start time,
    quiet_end   time,
    revision    bigint NOT NULL
);

-- A row may exist before the patient's upsert arrives (revision -1): it is the per-patient plan lock.
CREATE TABLE patients (
    patient_id    text PRIMARY KEY,
    clinic_id     text,
    timezone      text,
    discharged_at timestamptz,
    revision      bigint NOT NULL DEFAULT -1,
    plan_version  bigint NOT NULL DEFAULT 0
);
CREATE INDEX patients_by_clinic ON patients (clinic_id);

CREATE TABLE sessions (
    session_id text PRIMARY KEY,
    clinic_id  text NOT NULL,
    starts_at  timestamptz NOT NULL,
    ends_at    timestamptz NOT NULL,
    timezone   text NOT NULL,
    attendees  text[] NOT NULL,
    revision   bigint NOT NULL,
    cancelled  boolean NOT NULL DEFAULT false
);
CREATE INDEX sessions_by_attendee ON sessions USING gin (attendees);

CREATE TABLE confirmations (
    patient_id   text NOT NULL,
    session_id   text NOT NULL,
    confirmed_at timestamptz NOT NULL,
    PRIMARY KEY (patient_id, session_id)
);

-- The plan. status: pending -> dispatched | skipped (reason) | cancelled (replaced or withdrawn).
CREATE TABLE reminders (
    reminder_id   text PRIMARY KEY,
    patient_id    text NOT NULL,
    clinic_id     text,
    purpose       text NOT NULL,
    kind          text NOT NULL,
    session_ids   text[] NOT NULL,
    due_at        timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    urgent        boolean NOT NULL,
    plan_version  bigint NOT NULL,
    status        text NOT NULL DEFAULT 'pending',
    skip_reason   text,
    dispatched_at timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reminders_due ON reminders (due_at) WHERE status = 'pending';
CREATE INDEX reminders_by_patient ON reminders (patient_id, due_at);
