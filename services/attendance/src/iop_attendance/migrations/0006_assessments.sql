-- Questionnaire outcomes from the notifier (iop.assessment.completed.v1): numbers only, never wording.
CREATE TABLE assessments (
    assessment_id   text        PRIMARY KEY,
    event_id        text        NOT NULL,
    patient_id      text        NOT NULL,
    instrument      text        NOT NULL,
    status          text        NOT NULL,
    total           integer,
    band            text,
    item9_positive  boolean     NOT NULL,
    completed_at    timestamptz NOT NULL
);
CREATE INDEX assessments_by_patient ON assessments (patient_id, completed_at);
