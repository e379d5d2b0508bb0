"""The scheduler's configuration: environment variables with the SCHEDULER_ prefix, defaults from DOMAIN.md."""

from __future__ import annotations

import json
from datetime import time, timedelta
from typing import Annotated, ClassVar, Self

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import NoDecode, SettingsConfigDict

from iop_shared.contracts.outbound import CheckinKind
from iop_shared.durations import Duration, Durations
from iop_shared.experiments import Experiment
from iop_shared.safety import check_token_map
from iop_shared.settings import BaseServiceSettings, PatientPolicySettings

from .domain.arms import cadence_offsets
from .domain.cadence import EVERY_PROGRAM, CadenceStep
from .domain.policy import Policy, QuietHours

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class CadenceIn(BaseModel):
    """One step of SCHEDULER_CHECKIN_CADENCE ("kind" is accepted for "instrument": the reminder's checkin_kind)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    instrument: CheckinKind = Field(validation_alias=AliasChoices("instrument", "kind"))
    every_days: int = Field(ge=1, le=366)
    at_intake: bool = True


_CADENCES = TypeAdapter(dict[str, tuple[CadenceIn, ...]])


def parse_cadence(value: object) -> dict[str, tuple[CadenceIn, ...]]:
    """SCHEDULER_CHECKIN_CADENCE: JSON {"program-id" or "*": [steps]}, or a bare list of steps (the "*" one)."""
    if isinstance(value, str | bytes):
        try:
            value = json.loads(value or "[]")
        except ValueError:
            raise ValueError("SCHEDULER_CHECKIN_CADENCE is not valid JSON") from None
    if isinstance(value, list | tuple):
        value = {EVERY_PROGRAM: value}
    try:
        cadences = _CADENCES.validate_python(value)
    except ValidationError as exc:  # the setting's name and where it is wrong, never the value
        where = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'value'}: {e['msg']}" for e in exc.errors())
        raise ValueError(f"SCHEDULER_CHECKIN_CADENCE is invalid ({where})") from None
    if any(not p.strip() for p in cadences):
        raise ValueError("SCHEDULER_CHECKIN_CADENCE: a program id must not be empty")
    return cadences


def _steps(steps: tuple[CadenceIn, ...]) -> tuple[CadenceStep, ...]:
    return tuple(CadenceStep(c.instrument.value, c.every_days, c.at_intake) for c in steps)


class Settings(BaseServiceSettings, PatientPolicySettings):
    """Environment variables the scheduler reads (see the README's configuration table)."""

    model_config = SettingsConfigDict(env_prefix="SCHEDULER_", extra="ignore", frozen=True)
    composite_secrets: ClassVar[frozenset[str]] = frozenset({"clinic_tokens"})  # checked per clinic below

    http_host: str = "127.0.0.1"  # deploy/ and docker-compose.yml set 0.0.0.0 inside containers
    http_port: int = 8001
    db_schema: str = "scheduler"
    group_id: str = "iop-scheduler"
    migrate_on_start: bool = True
    # The same shape as ATTENDANCE_API_TOKENS, so one secret can feed both services.
    clinic_tokens: SecretStr = Field(default=SecretStr("{}"), description='JSON {"clinic-id": "bearer-token"}')
    default_timezone: str = "America/New_York"
    fhir_program_id: str = "fhir"

    first_offsets: Durations = Field(default_factory=lambda: [timedelta(hours=72), timedelta(hours=24)])
    gap: Duration = timedelta(days=7)
    each_session_offset: Duration = timedelta(hours=24)
    weekly_min_sessions: int = 2
    weekly_day: str = "sunday"
    weekly_time: time = time(18, 0)
    same_day_enabled: bool = False
    same_day_offset: Duration = timedelta(hours=2)
    checkin_enabled: bool = True
    checkin_time: time = time(19, 0)
    # Each program's instrument schedule, {"prog-1": [{"instrument": "phq9", "every_days": 14}], "*": [...]}
    # ("*": every other program); a bare list is the "*" one. See domain/cadence.py.
    checkin_cadence: Annotated[dict[str, tuple[CadenceIn, ...]], NoDecode, BeforeValidator(parse_cadence)] = Field(
        default_factory=dict)
    urgent_within: Duration = timedelta(hours=48)
    change_settle: Duration = timedelta(seconds=60)
    plan_horizon: Duration = timedelta(days=60)

    # Retention in seconds (the kernel's convention): a finished plan row is kept this long after it expired (at
    # the latest its session's start), at least the cap week; sessions this long after they ended.
    plan_retention: float = Field(default=14 * 86400.0, ge=7 * 86400)
    session_retention: float = Field(default=30 * 86400.0, gt=0)
    # Reschedule by reply: offered slots start at least this far ahead; an offer, a hold last this long.
    reschedule_min_lead: Duration = timedelta(hours=2)
    reschedule_offer_ttl: Duration = timedelta(hours=24)
    reschedule_hold_ttl: Duration = timedelta(hours=24)
    reschedule_sweep_interval: Duration = timedelta(seconds=15)
    # Reminder experiments (JSON list of iop_shared.experiments.Experiment, as NOTIFIER_EXPERIMENTS): a patient in
    # an arm with a `cadence` gets that arm's offsets before the sessions of the experiment's window.
    experiments: list[Experiment] = Field(default_factory=list)

    dispatch_batch: int = 5000
    # Worker processes that plan large replan batches (a bulk load's first plans); 0 (the default: on the shared
    # 2-core machine the pool made a bulk load slower) plans in the service process.
    planner_processes: int = Field(default=0, ge=0, le=64)
    sweep_interval: Duration = timedelta(seconds=15)
    dispatch_resolution: Duration = timedelta(milliseconds=200)

    @field_validator("experiments")
    @classmethod
    def _cadences_parse(cls, value: list[Experiment]) -> list[Experiment]:
        for i, e in enumerate(value):
            for arm in e.arms:
                try:
                    cadence_offsets(arm.cadence or [])
                except ValueError:
                    raise ValueError(f"experiments.{i}: arm {arm.name}: cadence must be positive durations such as "
                                     "48h, 2h") from None
        return value

    @field_validator("weekly_day")
    @classmethod
    def _known_weekday(cls, value: str) -> str:
        if value.lower() not in WEEKDAYS:
            raise ValueError(f"weekly_day must be one of {', '.join(WEEKDAYS)}")
        return value.lower()

    @model_validator(mode="after")
    def _sessions_outlast_the_gap(self) -> Self:
        # Planning looks back twice the gap for a patient's previous session; a purged one would make a
        # returning patient's next session look like a first.
        if self.session_retention < 2 * self.gap.total_seconds():
            raise ValueError("SCHEDULER_SESSION_RETENTION must be at least twice SCHEDULER_GAP")
        return self

    @model_validator(mode="after")
    def _tokens_are_real(self) -> Self:
        # One JSON secret holds every clinic's token: each is checked, not just the whole string.
        if self.environment != "development":
            check_token_map("SCHEDULER_CLINIC_TOKENS", {c: t for t, c in self.tokens().items()}, self.environment)
        return self

    def policy(self) -> Policy:
        """The planning policy these settings describe."""
        return Policy(
            first_offsets=tuple(self.first_offsets), gap=self.gap, each_session_offset=self.each_session_offset,
            weekly_min_sessions=self.weekly_min_sessions, weekly_weekday=WEEKDAYS.index(self.weekly_day.lower()),
            weekly_time=self.weekly_time, same_day_offset=self.same_day_offset if self.same_day_enabled else None,
            checkin_time=self.checkin_time if self.checkin_enabled else None,
            checkin_cadence=_steps(self.checkin_cadence.get(EVERY_PROGRAM, ())),
            program_cadences=tuple((p, _steps(c)) for p, c in sorted(self.checkin_cadence.items())
                                   if p != EVERY_PROGRAM),
            quiet_hours=QuietHours(self.quiet_start, self.quiet_end), cap_per_day=self.cap_per_day,
            cap_per_week=self.cap_per_week, urgent_within=self.urgent_within, horizon=self.plan_horizon,
            change_settle=self.change_settle)

    def tokens(self) -> dict[str, str]:
        """Bearer token -> clinic id (configured the other way round: clinic id -> token)."""
        mapping = json.loads(self.clinic_tokens.get_secret_value() or "{}")
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            raise ValueError('SCHEDULER_CLINIC_TOKENS must be a JSON object {"clinic-id": "token"}')
        return {token: str(clinic_id) for clinic_id, token in mapping.items()}
