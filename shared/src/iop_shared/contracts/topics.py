"""The one registry of topics and event types: names, keys, partitions, compaction, retention."""

from __future__ import annotations

import os
from dataclasses import dataclass

from . import inbound as i
from . import outbound as o
from . import reschedule as r
from .common import Contract

DAY_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class Topic:
    """A Kafka topic of the v1 contract."""

    base_name: str
    key_field: str
    partitions: int
    compacted: bool = False
    retention_ms: int = 30 * DAY_MS

    @property
    def name(self) -> str:
        """The topic's name, behind IOP_TOPIC_PREFIX when set (benchmarks and isolated test runs)."""
        return os.environ.get("IOP_TOPIC_PREFIX", "") + self.base_name


@dataclass(frozen=True)
class EventType:
    """A CloudEvents type, the topic it travels on and the model of its data."""

    ce_type: str
    topic: Topic
    model: type[Contract]


CLINICS = Topic("iop.clinics.v1", "clinic_id", 3, compacted=True, retention_ms=-1)
PATIENTS = Topic("iop.patients.v1", "patient_id", 6, compacted=True, retention_ms=-1)
CARE_TEAMS = Topic("iop.care-teams.v1", "care_team_id", 3, compacted=True, retention_ms=-1)
SESSIONS = Topic("iop.sessions.v1", "session_id", 6, retention_ms=180 * DAY_MS)
ATTENDANCE = Topic("iop.attendance.v1", "patient_id", 6, retention_ms=180 * DAY_MS)
REMINDERS = Topic("iop.reminders.v1", "patient_id", 6)
VISITS = Topic("iop.visits.v1", "patient_id", 6, retention_ms=180 * DAY_MS)
CHECKINS = Topic("iop.checkins.v1", "patient_id", 6, retention_ms=180 * DAY_MS)
RISK = Topic("iop.risk.v1", "patient_id", 6, retention_ms=365 * DAY_MS)
NOTIFICATIONS = Topic("iop.notifications.v1", "recipient_id", 6)
DEADLETTER = Topic("iop.deadletter.v1", "key", 3, retention_ms=90 * DAY_MS)
SLOTS = Topic("iop.slots.v1", "slot_id", 3, retention_ms=90 * DAY_MS)
RESCHEDULES = Topic("iop.reschedules.v1", "patient_id", 6, retention_ms=90 * DAY_MS)

TOPICS: tuple[Topic, ...] = (
    CLINICS, PATIENTS, CARE_TEAMS, SESSIONS, ATTENDANCE,
    REMINDERS, VISITS, CHECKINS, RISK, NOTIFICATIONS, DEADLETTER, SLOTS, RESCHEDULES,
)

EVENT_TYPES: tuple[EventType, ...] = (
    EventType("iop.clinic.upserted.v1", CLINICS, i.ClinicUpserted),
    EventType("iop.patient.upserted.v1", PATIENTS, i.PatientUpserted),
    EventType("iop.care_team.upserted.v1", CARE_TEAMS, i.CareTeamUpserted),
    EventType("iop.session.upserted.v1", SESSIONS, i.SessionUpserted),
    EventType("iop.session.cancelled.v1", SESSIONS, i.SessionCancelled),
    EventType("iop.attendance.recorded.v1", ATTENDANCE, i.AttendanceRecorded),
    EventType("iop.reminder.due.v1", REMINDERS, o.ReminderDue),
    EventType("iop.reminder.dropped.v1", REMINDERS, o.ReminderDropped),
    EventType("iop.visit.missed.v1", VISITS, o.VisitMissed),
    EventType("iop.visit.missed_retracted.v1", VISITS, o.VisitMissedRetracted),
    EventType("iop.checkin.received.v1", CHECKINS, o.CheckinReceived),
    EventType("iop.assessment.completed.v1", CHECKINS, o.AssessmentCompleted),
    EventType("iop.risk.flagged.v1", RISK, o.RiskFlagged),
    EventType("iop.risk.acknowledged.v1", RISK, o.RiskAcknowledged),
    EventType("iop.risk.resolved.v1", RISK, o.RiskResolved),
    EventType("iop.notification.sent.v1", NOTIFICATIONS, o.NotificationSent),
    EventType("iop.notification.delivered.v1", NOTIFICATIONS, o.NotificationDelivered),
    EventType("iop.notification.failed.v1", NOTIFICATIONS, o.NotificationFailed),
    EventType("iop.notification.suppressed.v1", NOTIFICATIONS, o.NotificationSuppressed),
    EventType("iop.deadletter.v1", DEADLETTER, o.DeadLetter),
    EventType("iop.slot.upserted.v1", SLOTS, r.SlotUpserted),
    EventType("iop.reschedule.offered.v1", RESCHEDULES, r.RescheduleOffered),
    EventType("iop.reschedule.chosen.v1", RESCHEDULES, r.RescheduleChosen),
    EventType("iop.waitlist.offered.v1", RESCHEDULES, r.WaitlistOffered),
    EventType("iop.reschedule.requested.v1", RESCHEDULES, r.RescheduleRequested),
    EventType("iop.reschedule.closed.v1", RESCHEDULES, r.RescheduleClosed),
)

BY_CE_TYPE: dict[str, EventType] = {e.ce_type: e for e in EVENT_TYPES}
BY_MODEL: dict[type[Contract], EventType] = {e.model: e for e in EVENT_TYPES}


def event_type_of(model: type[Contract]) -> EventType:
    """The registered event type whose data is this model."""
    try:
        return BY_MODEL[model]
    except KeyError:
        raise LookupError(f"{model.__name__} is not a registered event") from None
