"""Prometheus metrics of the attendance service."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

EVENTS_APPLIED = Counter("attendance_events_applied_total", "Events applied (not duplicates)", ["type"])
EVENTS_DUPLICATE = Counter("attendance_events_duplicate_total", "Events skipped as already applied", ["type"])
MISSES_DETECTED = Counter("attendance_misses_detected_total", "visit.missed published")
MISSES_RETRACTED = Counter("attendance_misses_retracted_total", "visit.missed_retracted published")
FLAGS_RAISED = Counter("attendance_flags_raised_total", "Risk flags raised", ["rule", "severity"])
FLAGS_RESOLVED = Counter("attendance_flags_resolved_total", "Risk flags resolved", ["how"])
EVALUATION_SECONDS = Histogram(
    "attendance_risk_evaluation_seconds", "Time to load one patient's history and evaluate the rules",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0))
TIMER_SWEEPS = Counter("attendance_timer_sweeps_total", "Timer sweeps run")
FLAGS_ACKNOWLEDGED_BY_EVENT = Counter(
    "attendance_flags_acknowledged_by_event_total",
    "iop.risk.acknowledged.v1 from another service (an on-call member's ACK by text), by outcome", ["outcome"])
