"""Replan one patient: read their schedule, run the pure planner, replace the pending plan atomically."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta

from ..adapters.repository import PatientRow, Repository
from ..domain.arms import cadences_of, session_offsets
from ..domain.model import PatientView, Plan, PlanInput, Reminder, SessionView
from ..domain.planner import plan_many
from ..domain.policy import Policy, QuietHours
from .deps import Deps
from .dropped import report_drops_many


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
    return (await replan_many(repo, deps, {patient_id: fallback_zone}, now))[patient_id]


async def replan_many(repo: Repository, deps: Deps, fallback_zones: dict[str, str], now: datetime) -> dict[str, Plan]:
    """Replan each patient (id -> fallback zone) in the caller's transaction: one statement per step for all.

    Every patient's plan lock is taken first, in id order, so each plan is replaced whole or not at all.
    """
    patients = await repo.lock_patients(list(fallback_zones))
    gone = sorted(pid for pid, p in patients.items() if p.discharged)
    await repo.withdraw_all_many(gone, "discharged")
    active = [p for pid, p in sorted(patients.items()) if not p.discharged]
    inputs = await _inputs(repo, deps, active, fallback_zones, now)
    plans: dict[str, Plan] = {pid: Plan() for pid in gone}
    policies: dict[tuple[object, object], Policy] = {}  # one per clinic override in the batch, not per patient
    for p in active:
        if (p.quiet_start, p.quiet_end) not in policies:
            policies[(p.quiet_start, p.quiet_end)] = policy_for(p, deps.policy)
    items = [(inputs[p.patient_id], policies[(p.quiet_start, p.quiet_end)]) for p in active]
    planned = await deps.planner.plan(items, now) if deps.planner is not None else plan_many(items, now)
    plans |= {p.patient_id: plan for p, plan in zip(active, planned, strict=True)}
    await repo.replace_plans({p.patient_id: plans[p.patient_id].reminders for p in active})
    await report_drops_many(repo, {p.patient_id: plans[p.patient_id].dropped for p in active}, now)
    record(deps, [r for p in active for r in plans[p.patient_id].reminders])
    for reason, n in Counter(d.reason for p in active for d in plans[p.patient_id].dropped).items():
        deps.metrics.dropped.labels(reason).inc(n)
    return plans


async def _inputs(repo: Repository, deps: Deps, active: list[PatientRow], fallback_zones: dict[str, str],
                  now: datetime) -> dict[str, PlanInput]:
    """What the planner reads for each patient, loaded for all of them at once."""
    if not active:
        return {}
    ids = [p.patient_id for p in active]
    # The window is the policy's, not a clinic's: quiet hours (the only per-clinic override) do not change it.
    policy = deps.policy
    sessions = await repo.sessions_of_many([(p.patient_id, p.clinic_id) for p in active],
                                           now - 2 * policy.gap, now + policy.horizon)
    confirmed = await repo.confirmations_of_many(ids)
    history = await repo.history_of_many(ids, now - policy.history_window)
    arms = await _arm_offsets(repo, deps, active, sessions)
    intakes = await repo.intakes_of_many(ids)
    out = {}
    for p in active:
        zone = zone_of(p, fallback_zones[p.patient_id])
        out[p.patient_id] = PlanInput(PatientView(p.patient_id, p.clinic_id, zone), sessions[p.patient_id],
                                      confirmed[p.patient_id], history[p.patient_id], zone,
                                      arms.get(p.patient_id, {}), intakes[p.patient_id])
    return out


async def _arm_offsets(repo: Repository, deps: Deps, active: list[PatientRow],
                       sessions: dict[str, tuple[SessionView, ...]]) -> dict[str, dict[str, tuple[timedelta, ...]]]:
    """Per patient in a cadence arm: session id -> the arm's offsets (programs read only when an arm names some)."""
    cadences = {p.patient_id: c for p in active if (c := cadences_of(deps.experiments, p.patient_id, p.clinic_id))}
    if not cadences:
        return {}
    programs: dict[str, str | None] = {}
    if any(c.programs for cs in cadences.values() for c in cs):
        programs = await repo.session_programs([s.session_id for pid in cadences for s in sessions[pid]])
    return {pid: session_offsets(cs, sessions[pid], programs) for pid, cs in cadences.items()}


def record(deps: Deps, reminders: tuple[Reminder, ...] | list[Reminder]) -> None:
    # Counted first: a labelled increment per reminder was a visible share of a bulk load's CPU.
    for purpose, n in Counter(str(r.purpose) for r in reminders).items():
        deps.metrics.planned.labels(purpose).inc(n)


def earliest(reminders: list[Reminder]) -> datetime | None:
    return min((r.due_at for r in reminders), default=None)
