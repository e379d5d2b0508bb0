-- Questionnaire outcomes (iop.assessment.completed.v1): numbers only, for score trends and completion rates.
CREATE TABLE assessments (
    assessment_id   text        PRIMARY KEY,
    patient_id      text        NOT NULL,
    instrument      text        NOT NULL,
    status          text        NOT NULL,
    total           integer,
    item9_positive  boolean     NOT NULL DEFAULT false,
    completed_at    timestamptz NOT NULL
);
CREATE INDEX assessments_recent ON assessments (completed_at);
CREATE INDEX assessments_by_patient ON assessments (patient_id, completed_at);
