"""Replan one patient: read their schedule, run the pure planner, replace the pending plan atomically."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from ..adapters.repository import PatientRow, Repository
from ..domain.model import PatientView, Plan, PlanInput, Reminder
from ..domain.planner import plan_patient
from ..domain.policy import Policy, QuietHours
from .deps import Deps
from .dropped import report_drops


def zone_of(patient: PatientRow, fallback: str) -> str:
    """The patient's own zone, else their clinic's, else the session's (or the configured default)."""
    return patient.timezone or patient.clinic_timezone or fallback


def policy_for(patient: PatientRow, policy: Policy) -> Policy:
    """The clinic's quiet-hours override, when it has one."""
    # A wrapping override (22:00-06:00) is honoured; an equal pair is refused at ingest, so only old rows hold one.
    if patient.quiet_start is None or patient.quiet_end is None or patient.quiet_start == patient.quiet_end:
        return policy
    return replace(policy, quiet_hours=QuietHours(patient.quiet_start, patient.quiet_end))


async def replan(repo: Repository, deps: Deps, patient_id: str, now: datetime, fallback_zone: str) -> Plan:
    """Replace the patient's pending cadence with a fresh plan, under the patient's row lock."""
    patient = await repo.lock_patient(patient_id)
    policy = policy_for(patient, deps.policy)
    if patient.discharged:
        await repo.withdraw_all(patient_id, "discharged")
        return Plan()
    zone = zone_of(patient, fallback_zone)
    sessions = await repo.sessions_of(patient_id, now - 2 * policy.gap, now + policy.horizon, patient.clinic_id)
    confirmed = await repo.confirmations_of(patient_id)
    history = await repo.history_of(patient_id, now - policy.history_window)
    inp = PlanInput(PatientView(patient_id, patient.clinic_id, zone), sessions, confirmed, history, zone)
    plan = plan_patient(inp, policy, now)
    await repo.replace_plan(patient_id, plan.reminders)
    await report_drops(repo, patient_id, plan.dropped, now)
    record(deps, plan.reminders)
    for d in plan.dropped:
        deps.metrics.dropped.labels(d.reason).inc()
    return plan


def record(deps: Deps, reminders: tuple[Reminder, ...] | list[Reminder]) -> None:
    for r in reminders:
        deps.metrics.planned.labels(str(r.purpose)).inc()


def earliest(reminders: list[Reminder]) -> datetime | None:
    return min((r.due_at for r in reminders), default=None)
