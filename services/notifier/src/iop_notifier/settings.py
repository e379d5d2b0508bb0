"""Notifier settings: environment variables under NOTIFIER_, defaults from DOMAIN.md."""

from __future__ import annotations

from typing import ClassVar, Self

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from iop_shared.durations import Seconds
from iop_shared.experiments import Experiment
from iop_shared.settings import BaseServiceSettings, PatientPolicySettings

from .production import check_production


class Settings(BaseServiceSettings, PatientPolicySettings):
    """Everything the notifier reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="NOTIFIER_", extra="ignore", frozen=True)
    # /embedded/* is not served in production, so its token is not needed there.
    development_only_secrets: ClassVar[frozenset[str]] = frozenset({"embedded_token"})

    http_host: str = "127.0.0.1"
    http_port: int = 8002
    db_schema: str = "notifier"
    group_id: str = "iop-notifier"
    run_migrations: bool = True

    # Twilio: without account_sid and auth_token the embedded channel records SMS instead of sending them.
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_messaging_service_sid: str | None = None
    twilio_from_number: str | None = None
    twilio_api_base_url: str = "https://api.twilio.com"
    public_base_url: str = "http://127.0.0.1:8002"  # how Twilio reaches our webhooks (signatures use it)
    webhook_max_bytes: int = Field(default=64 * 1024, ge=1024)  # a Twilio form is a few KB; 413 past this
    webhook_max_fields: int = Field(default=100, ge=10)  # Twilio sends about 30 fields
    sms_rate_per_second: float = 1.0  # per sender (long code about 1/s); 0 disables the limiter
    provider_timeout_s: Seconds = 10.0
    provider_retry_attempts: int = 5
    provider_retry_max_wait_s: Seconds = 8.0
    # How long a lease on a due request, and a claim not yet sent to the provider, belongs to its replica
    # (database clock); a claim of a replica that died before calling the provider is sent after this.
    lease_s: Seconds = Field(default=60.0, gt=0)
    # A provider call started this long ago without an outcome (its process died mid-call) is reconciled with
    # the provider; never less than a live call can take (provider_timeout_s and its retries).
    reaper_after_s: Seconds = Field(default=600.0, gt=0, validation_alias=AliasChoices(
        "NOTIFIER_REAPER_AFTER", "NOTIFIER_REAPER_AFTER_S", "reaper_after_s"))
    # After an ambiguous provider error (timeout, reset, 5xx), wait this long before asking the provider.
    reconcile_after_s: Seconds = Field(default=30.0, gt=0, validation_alias=AliasChoices(
        "NOTIFIER_RECONCILE_AFTER", "NOTIFIER_RECONCILE_AFTER_S", "reconcile_after_s"))

    # Email over SMTP; without smtp_host email is recorded by the embedded channel.
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_use_tls: bool = False  # implicit TLS (port 465)
    smtp_start_tls: bool = False
    smtp_validate_certs: bool = True
    smtp_allow_plaintext: bool = False  # production refuses SMTP without TLS unless this says so explicitly
    smtp_pool_size: int = Field(default=8, ge=1)  # SMTP connections kept open and reused, mail after mail
    email_from: str = "reminders@example.org"

    embedded_token: SecretStr = SecretStr("dev-token")  # bearer token of POST /embedded/inbound
    admin_token: SecretStr = SecretStr("dev-token")  # bearer token of POST /v1/test-messages (operators)
    triage_token: SecretStr = SecretStr("dev-token")  # bearer token of /v1/concerns (the dashboard's triage queue)

    # Which clinic a text was sent to: receiving E.164 number or Messaging Service SID -> clinic_id (no secrets).
    inbound_numbers: dict[str, str] = Field(default_factory=dict)
    # Who is paged when a care team can reach nobody: clinic_id (or "*" for any clinic) -> care_team_id.
    fallback_care_teams: dict[str, str] = Field(default_factory=dict)

    # Policy (DOMAIN.md): quiet hours are the allowed local window, caps per patient for non-urgent texts.
    unknown_recipient_grace_s: Seconds = 120.0  # wait this long for a patient upsert before suppressing
    default_score_kind: str = Field(default="mood", pattern="^(mood|craving)$")
    # A questionnaire check-in not finished this long after it was offered expires and counts as unanswered.
    # FHIR R4 reads (Flag lives in attendance): bearer tokens per clinic, {"clinic-id": "token"}, "*" = every
    # clinic. Empty: the FHIR routes answer 401 (open only on a developer machine), like attendance's API.
    api_tokens: dict[str, SecretStr] = Field(default_factory=dict)
    checkin_window_s: Seconds = Field(default=86400.0, gt=0, validation_alias=AliasChoices(
        "NOTIFIER_CHECKIN_WINDOW", "NOTIFIER_CHECKIN_WINDOW_S", "checkin_window_s"))

    # Care-team alerts by severity, and escalation of unacknowledged high/critical flags.
    alert_channels_critical: tuple[str, ...] = ("sms", "email")
    alert_channels_high: tuple[str, ...] = ("sms", "email")
    alert_channels_medium: tuple[str, ...] = ("email",)
    alert_channels_low: tuple[str, ...] = ()
    escalate_after_s: Seconds = 900.0
    clinic_system_url: str = "https://clinic.example.org/flags/"  # alerts link here with the flag id

    # Texts nobody could read (concern): paged by the medium channels in opening hours, escalating to the next
    # member after this long unopened; outside opening hours the on-call member is paged by the high channels.
    concern_escalate_after_s: Seconds = Field(default=1800.0, validation_alias=AliasChoices(
        "NOTIFIER_CONCERN_ESCALATE_AFTER", "NOTIFIER_CONCERN_ESCALATE_AFTER_S", "concern_escalate_after_s"))
    clinic_open_hours: str = "mon-fri 08:00-18:00"  # clinic local time; days mon..sun, a range or a comma list

    # Reminder experiments (JSON list of iop_shared.experiments.Experiment): arms' wording, arm of each reminder.
    experiments: list[Experiment] = Field(default_factory=list)
    inbound_retention_days: int = 90  # raw reply texts and embedded messages are purged after this
    # Retention in seconds (the kernel's convention). The ledger is the audit of what went to whom and what caps
    # count, so it outlasts the cap week; receipts only stop a provider's retry from applying twice.
    ledger_retention: Seconds = Field(default=90 * 86400.0, ge=8 * 86400)
    webhook_retention: Seconds = Field(default=7 * 86400.0, ge=3600)
    dispatch_batch: int = 200
    dispatch_concurrency: int = 32
    dispatch_poll_s: Seconds = 1.0
    timer_interval_s: Seconds = 5.0

    @model_validator(mode="after")
    def _safe_in_production(self) -> Self:
        check_production(self)
        return self
