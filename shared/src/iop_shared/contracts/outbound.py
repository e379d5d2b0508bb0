"""Events the services produce."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from .common import Contract, EntityId, Timestamp


class ReminderPurpose(StrEnum):
    upcoming_session = "upcoming_session"
    weekly_schedule = "weekly_schedule"
    session_changed = "session_changed"
    session_cancelled = "session_cancelled"
    checkin_prompt = "checkin_prompt"


class CheckinKind(StrEnum):
    """Which check-in a prompt opens: the instrument the conversation starts with (additive)."""

    mood = "mood"  # today's neutral 0-10
    craving = "craving"
    phq2 = "phq2"  # continues to the PHQ-9 at >= 3
    phq9 = "phq9"
    gad2 = "gad2"  # continues to the GAD-7 at >= 3
    gad7 = "gad7"


class ReminderDue(Contract):
    """iop.reminder.due.v1: reminder_id is the idempotency key."""

    reminder_id: EntityId
    patient_id: EntityId
    clinic_id: EntityId | None = None
    purpose: ReminderPurpose
    session_ids: list[EntityId] = Field(default_factory=list)
    due_at: Timestamp
    urgent: bool = False
    expires_at: Timestamp | None = None
    checkin_kind: CheckinKind | None = None  # checkin_prompt only; None is the neutral 0-10 prompt


class DropReason(StrEnum):
    """Why a planned reminder will not be sent (additive: consumers treat an unknown value as "other")."""

    quiet_hours = "quiet_hours"  # no allowed time outside quiet hours before it stops being useful
    cap_reached = "cap_reached"  # the daily or weekly cap is taken by higher priorities
    expired = "expired"  # it fell due after it stopped being useful
    session_started = "session_started"  # its session had already started when it fell due


class ReminderDropped(Contract):
    """iop.reminder.dropped.v1: a reminder the scheduler planned and will not send, with why (ids only)."""

    reminder_id: EntityId
    patient_id: EntityId
    clinic_id: EntityId | None = None
    purpose: ReminderPurpose
    session_ids: list[EntityId] = Field(default_factory=list)
    planned_for: Timestamp
    reason: DropReason


class VisitMissed(Contract):
    """iop.visit.missed.v1"""

    visit_id: EntityId
    session_id: EntityId
    patient_id: EntityId
    detected_at: Timestamp


class VisitMissedRetracted(Contract):
    """iop.visit.missed_retracted.v1"""

    visit_id: EntityId
    session_id: EntityId
    patient_id: EntityId
    detected_at: Timestamp


class CheckinIntent(StrEnum):
    confirm = "confirm"
    reschedule_request = "reschedule_request"
    mood = "mood"
    craving = "craving"
    opt_out = "opt_out"
    opt_in = "opt_in"
    help = "help"
    crisis = "crisis"
    concern = "concern"  # not confidently understood, or distress below a crisis: a person reads it (triage)
    other = "other"  # understood as ordinary, with nothing to act on ("thanks", an emoji)
    assessment_item = "assessment_item"  # an answer to one questionnaire item (instrument, item, value)


class CheckinReceived(Contract):
    """iop.checkin.received.v1: never carries the raw text."""

    checkin_id: EntityId
    patient_id: EntityId
    intent: CheckinIntent
    value: int | None = Field(default=None, ge=0, le=27)
    session_ids: list[EntityId] = Field(default_factory=list)
    prompt_reminder_id: EntityId | None = None
    received_at: Timestamp
    instrument: CheckinKind | None = None  # additive: set on questionnaire answers
    item: int | None = Field(default=None, ge=1, le=9)  # 1-based item number within `instrument`


class AssessmentStatus(StrEnum):
    completed = "completed"
    expired = "expired"  # the window closed first: counts as unanswered
    stopped = "stopped"  # STOP during the conversation


class AssessmentCompleted(Contract):
    """iop.assessment.completed.v1: one instrument's outcome; ids and numbers only, never wording."""

    assessment_id: EntityId
    conversation_id: EntityId
    patient_id: EntityId
    clinic_id: EntityId | None = None
    instrument: CheckinKind
    status: AssessmentStatus = AssessmentStatus.completed
    total: int | None = Field(default=None, ge=0, le=27)
    band: str | None = Field(default=None, max_length=32)
    item9_positive: bool = False
    answered: int = Field(default=0, ge=0, le=9)
    prompt_reminder_id: EntityId | None = None
    completed_at: Timestamp


class Severity(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


class RiskFlagged(Contract):
    """iop.risk.flagged.v1"""

    flag_id: EntityId
    patient_id: EntityId
    care_team_id: EntityId | None = None
    severity: Severity
    rule: str = Field(min_length=1, max_length=80)
    rule_set_version: str | None = None
    reasons: list[str] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list)
    raised_at: Timestamp


class RiskAcknowledged(Contract):
    """iop.risk.acknowledged.v1"""

    flag_id: EntityId
    patient_id: EntityId
    care_team_id: EntityId | None = None
    by: EntityId
    note: str | None = Field(default=None, max_length=500)
    acknowledged_at: Timestamp


class RiskResolved(Contract):
    """iop.risk.resolved.v1: by is absent when the pattern cleared by itself."""

    flag_id: EntityId
    patient_id: EntityId
    care_team_id: EntityId | None = None
    by: EntityId | None = None
    note: str | None = Field(default=None, max_length=500)
    resolved_at: Timestamp


class RecipientKind(StrEnum):
    patient = "patient"
    care_team_member = "care_team_member"
    care_team = "care_team"  # an alert addressed to a whole team (e.g. nobody on it could be paged)
    sender = "sender"  # a number that is no known patient; the id is opaque (a keyed hash), never the phone
    support_person = "support_person"  # a patient's consented support person (reminders of invited sessions)


class NotificationChannel(StrEnum):
    sms = "sms"
    email = "email"
    embedded = "embedded"


class ReasonCode(StrEnum):
    quiet_hours_deferred = "quiet_hours_deferred"
    quiet_hours_expired = "quiet_hours_expired"
    opted_out = "opted_out"
    no_consent = "no_consent"
    no_channel = "no_channel"
    cap_reached = "cap_reached"
    merged = "merged"
    invalid_address = "invalid_address"
    fallback_used = "fallback_used"
    expired = "expired"
    discharged = "discharged"
    provider_error = "provider_error"
    unknown_recipient = "unknown_recipient"
    no_recipient = "no_recipient"  # an alert whose care team has nobody reachable: "nobody paged"
    fallback_roster = "fallback_roster"  # an alert paged to the clinic's fallback roster instead
    session_started = "session_started"  # the scheduler dropped a reminder whose session had started
    superseded = "superseded"  # a claimed notice whose session changed again: it no longer held, not sent


class Notification(Contract):
    """What every notification event carries."""

    notification_id: EntityId
    source_event_id: str = Field(min_length=1, max_length=128)
    recipient_kind: RecipientKind
    recipient_id: EntityId
    channel: NotificationChannel | None = None
    reason_code: ReasonCode | None = None
    provider_message_id: str | None = None
    occurred_at: Timestamp


class NotificationSent(Notification):
    """iop.notification.sent.v1"""


class NotificationDelivered(Notification):
    """iop.notification.delivered.v1"""


class NotificationFailed(Notification):
    """iop.notification.failed.v1"""

    error_code: str | None = None


class NotificationSuppressed(Notification):
    """iop.notification.suppressed.v1"""


class DeadLetter(Contract):
    """iop.deadletter.v1: a message a consumer could never process, with why."""

    source_topic: str
    partition: int
    offset: int
    key: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    value_b64: str
    error: str
    service: str
    failed_at: Timestamp
    truncated: bool = Field(default=False, description="value_b64 (or headers) cut to fit the topic's size limit")
    original_size: int | None = Field(default=None, ge=0, description="bytes of the original value")
    value_sha256: str | None = Field(default=None, description="hex SHA-256 of the whole original value")
    value_encrypted: bool = Field(
        default=False, description="value_b64 is a Fernet token of the value (IOP_DEADLETTER_KEY), not its base64; "
                                   "headers then keep only CloudEvents metadata, the rest is in headers_sealed")
    headers_sealed: str | None = Field(
        default=None, description="Fernet token of a JSON object of the headers not kept in clear")
