"""One valid example of every event's data: for the JSON Schemas, the docs and the round-trip tests."""

from __future__ import annotations

from typing import Any

EXAMPLES: dict[str, dict[str, Any]] = {
    "iop.clinic.upserted.v1": {
        "clinic_id": "clinic-1", "public_name": "Harbor Health", "callback_phone": "+15555550100",
        "timezone": "America/New_York", "default_locale": "en", "quiet_hours": {"start": "08:00", "end": "21:00"},
        "revision": 1},
    "iop.patient.upserted.v1": {
        "patient_id": "pat-1", "clinic_id": "clinic-1", "preferred_name": "Sam", "phone": "+15555550123",
        "email": "sam@example.org", "timezone": "America/Chicago", "locale": "es", "channels": ["sms", "email"],
        "consent": {"sms": True, "email": True, "recorded_at": "2026-11-01T15:00:00Z", "source": "intake-form"},
        "care_team_id": "team-1", "age_group": "adult", "revision": 3,
        "detailed_checkins": {"given_at": "2026-11-01T15:00:00Z", "method": "intake-form"}},
    "iop.care_team.upserted.v1": {
        "care_team_id": "team-1", "clinic_id": "clinic-1", "revision": 1,
        "members": [{"member_id": "m-1", "name": "Dr. Lee", "role": "clinician", "phone": "+15555550150",
                     "email": "lee@clinic.example", "on_call": True}]},
    "iop.session.upserted.v1": {
        "session_id": "ses-1", "clinic_id": "clinic-1", "program_id": "prog-1", "kind": "group",
        "internal_title": "Evening group", "starts_at": "2026-12-01T18:00:00-05:00",
        "ends_at": "2026-12-01T21:00:00-05:00", "timezone": "America/New_York",
        "location": {"public_label": "Suite 200", "address": "1 Main St"}, "attendees": ["pat-1"], "revision": 1},
    "iop.session.cancelled.v1": {"session_id": "ses-1", "reason": "facility closed", "revision": 2},
    "iop.attendance.recorded.v1": {
        "session_id": "ses-1", "patient_id": "pat-1", "status": "present", "recorded_at": "2026-12-01T23:02:00Z",
        "source": "kiosk"},
    "iop.reminder.due.v1": {
        "reminder_id": "rem-1", "patient_id": "pat-1", "clinic_id": "clinic-1", "purpose": "upcoming_session",
        "session_ids": ["ses-1"], "due_at": "2026-11-30T23:00:00Z", "expires_at": "2026-12-01T23:00:00Z"},
    "iop.reminder.dropped.v1": {
        "reminder_id": "rem-2", "patient_id": "pat-1", "clinic_id": "clinic-1", "purpose": "upcoming_session",
        "session_ids": ["ses-1"], "planned_for": "2026-12-01T07:00:00Z", "reason": "quiet_hours"},
    "iop.visit.missed.v1": {
        "visit_id": "ses-1:pat-1", "session_id": "ses-1", "patient_id": "pat-1", "detected_at": "2026-12-01T23:15:00Z"},
    "iop.visit.missed_retracted.v1": {
        "visit_id": "ses-1:pat-1", "session_id": "ses-1", "patient_id": "pat-1", "detected_at": "2026-12-01T23:20:00Z"},
    "iop.checkin.received.v1": {
        "checkin_id": "chk-1", "patient_id": "pat-1", "intent": "craving", "value": 6, "session_ids": [],
        "received_at": "2026-12-01T02:00:00Z"},
    "iop.assessment.completed.v1": {
        "assessment_id": "asm-1", "conversation_id": "conv-rem-1", "patient_id": "pat-1", "clinic_id": "clinic-1",
        "instrument": "phq9", "status": "completed", "total": 12, "band": "moderate", "item9_positive": False,
        "answered": 9, "prompt_reminder_id": "rem-1", "completed_at": "2026-12-01T02:10:00Z"},
    "iop.risk.flagged.v1": {
        "flag_id": "flag-1", "patient_id": "pat-1", "care_team_id": "team-1", "severity": "medium",
        "rule": "consecutive_misses_2", "rule_set_version": "2026.11.1",
        "reasons": ["Missed 2 sessions in a row"], "evidence": ["evt-1", "evt-2"], "raised_at": "2026-12-03T23:15:00Z"},
    "iop.risk.acknowledged.v1": {
        "flag_id": "flag-1", "patient_id": "pat-1", "care_team_id": "team-1", "by": "m-1",
        "acknowledged_at": "2026-12-03T23:20:00Z"},
    "iop.risk.resolved.v1": {
        "flag_id": "flag-1", "patient_id": "pat-1", "care_team_id": "team-1", "by": "m-1", "note": "called",
        "resolved_at": "2026-12-04T15:00:00Z"},
    "iop.notification.sent.v1": {
        "notification_id": "n-1", "source_event_id": "evt-9", "recipient_kind": "patient", "recipient_id": "pat-1",
        "channel": "sms", "provider_message_id": "SM123", "occurred_at": "2026-11-30T23:00:01Z"},
    "iop.notification.delivered.v1": {
        "notification_id": "n-1", "source_event_id": "evt-9", "recipient_kind": "patient", "recipient_id": "pat-1",
        "channel": "sms", "provider_message_id": "SM123", "occurred_at": "2026-11-30T23:00:05Z"},
    "iop.notification.failed.v1": {
        "notification_id": "n-2", "source_event_id": "evt-9", "recipient_kind": "patient", "recipient_id": "pat-1",
        "channel": "sms", "reason_code": "invalid_address", "error_code": "21211",
        "occurred_at": "2026-11-30T23:00:02Z"},
    "iop.notification.suppressed.v1": {
        "notification_id": "n-3", "source_event_id": "evt-10", "recipient_kind": "patient", "recipient_id": "pat-1",
        "reason_code": "quiet_hours_deferred", "occurred_at": "2026-11-30T03:00:00Z"},
    "iop.deadletter.v1": {
        "source_topic": "iop.sessions.v1", "partition": 2, "offset": 41, "key": "ses-9",
        "headers": {"ce_type": "iop.session.upserted.v1"}, "value_b64": "e30=",
        "error": "invalid iop.session.upserted.v1: session_id: Field required",
        "service": "scheduler",
        "failed_at": "2026-11-30T03:00:00Z"},
    "iop.slot.upserted.v1": {
        "slot_id": "slot-1", "clinic_id": "clinic-1", "program_id": "prog-1", "kind": "group",
        "starts_at": "2026-12-03T23:00:00Z", "ends_at": "2026-12-04T02:00:00Z", "capacity": 2, "revision": 1},
    "iop.reschedule.offered.v1": {
        "offer_id": "off-1", "patient_id": "pat-1", "clinic_id": "clinic-1", "session_id": "ses-1",
        "options": [{"choice": "A", "slot_id": "slot-1", "starts_at": "2026-12-03T23:00:00Z",
                     "ends_at": "2026-12-04T02:00:00Z"}],
        "offered_at": "2026-12-01T15:00:00Z", "expires_at": "2026-12-02T15:00:00Z"},
    "iop.waitlist.offered.v1": {
        "offer_id": "wl-1", "patient_id": "pat-2", "clinic_id": "clinic-1", "session_id": "ses-1",
        "slot_id": "wl-ses-1", "starts_at": "2026-12-03T23:00:00Z", "offered_at": "2026-12-01T15:00:00Z",
        "expires_at": "2026-12-02T15:00:00Z"},
    "iop.reschedule.chosen.v1": {
        "offer_id": "off-1", "patient_id": "pat-1", "session_id": "ses-1", "slot_id": "slot-1", "choice": "A",
        "chosen_at": "2026-12-01T15:05:00Z"},
    "iop.reschedule.requested.v1": {
        "hold_id": "hold-1", "offer_id": "off-1", "patient_id": "pat-1", "clinic_id": "clinic-1",
        "session_id": "ses-1", "slot_id": "slot-1", "slot_starts_at": "2026-12-03T23:00:00Z",
        "hold_expires_at": "2026-12-02T15:05:00Z", "requested_at": "2026-12-01T15:05:01Z"},
    "iop.reschedule.closed.v1": {
        "offer_id": "off-1", "patient_id": "pat-1", "clinic_id": "clinic-1", "session_id": "ses-1",
        "slot_id": "slot-1", "hold_id": "hold-1", "outcome": "confirmed", "closed_at": "2026-12-01T18:00:00Z"},
}
