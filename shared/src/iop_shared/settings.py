"""Settings base: environment variables read by pydantic-settings; secrets refuse placeholders outside development."""

from __future__ import annotations

from datetime import time
from typing import ClassVar, Literal, Self

from pydantic import AliasChoices, BaseModel, Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .contracts.inbound import DEFAULT_MAX_ATTENDEES
from .deadletter_crypto import check_deadletter_key
from .durations import Seconds
from .safety import PLACEHOLDERS, check_secrets, check_url_password, require_environment

__all__ = ["PLACEHOLDERS", "BaseServiceSettings"]


class KafkaAdminSettings(BaseSettings):
    """What topic provisioning and the start-up wait read; no IOP_ENVIRONMENT, so `iop-devstack up` needs none."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)
    topic_replication_factor: int = Field(default=1, ge=1, validation_alias="IOP_TOPIC_REPLICATION_FACTOR")
    topic_min_insync_replicas: int = Field(default=1, ge=1, validation_alias="IOP_TOPIC_MIN_INSYNC_REPLICAS")
    kafka_connect_timeout: Seconds = Field(default=300.0, gt=0, validation_alias="IOP_KAFKA_CONNECT_TIMEOUT")


class BaseServiceSettings(KafkaAdminSettings):
    """What every service reads; a service subclass adds its own fields under its env prefix."""

    # hide_input_in_errors: a refusal must never print the value it refused (or a DATABASE_URL's password).
    model_config = SettingsConfigDict(extra="ignore", frozen=True, hide_input_in_errors=True)
    # Secrets of routes that exist in development only (e.g. the notifier's embedded channel).
    development_only_secrets: ClassVar[frozenset[str]] = frozenset()
    # Secrets holding several (e.g. a JSON object of tokens per clinic) that the subclass checks one by one.
    composite_secrets: ClassVar[frozenset[str]] = frozenset()

    # No default: an unset IOP_ENVIRONMENT refuses to start instead of meaning development.
    environment: Literal["development", "production"] = Field(
        default="", validate_default=True, validation_alias=AliasChoices("IOP_ENVIRONMENT", "ENVIRONMENT"))
    kafka_bootstrap_servers: str = Field(
        default="127.0.0.1:19092", validation_alias="KAFKA_BOOTSTRAP_SERVERS")
    database_url: str = Field(
        default="postgresql://postgres@127.0.0.1:15432/iop", validation_alias="DATABASE_URL")
    log_level: str = Field(default="INFO", validation_alias="LOG_LEVEL")
    ready_outbox_max_age: Seconds = Field(default=60.0, gt=0, validation_alias="IOP_READY_OUTBOX_MAX_AGE")
    ready_consumer_stuck_after: Seconds = Field(default=120.0, gt=0, validation_alias="IOP_READY_CONSUMER_STUCK_AFTER")
    # Retention (seconds, like every kernel duration): published outbox rows (they may hold contact data) and
    # applied inbox rows are purged by each service's retention timer in batches.
    outbox_retention: Seconds = Field(default=86400.0, ge=60, validation_alias="IOP_OUTBOX_RETENTION")
    inbox_retention: Seconds = Field(default=7 * 86400.0, ge=3600, validation_alias="IOP_INBOX_RETENTION")
    retention_interval: Seconds = Field(default=300.0, gt=0, validation_alias="IOP_RETENTION_INTERVAL")
    retention_batch: int = Field(default=1000, ge=1, le=100_000, validation_alias="IOP_RETENTION_BATCH")
    # The contract reads IOP_MAX_ATTENDEES when it validates a roster; declared here so a bad value stops the start.
    max_attendees: int = Field(default=DEFAULT_MAX_ATTENDEES, ge=1, validation_alias="IOP_MAX_ATTENDEES")
    # Every HTTP API refuses a larger request body with 413 before parsing it.
    http_max_body_bytes: int = Field(default=1024 * 1024, ge=1024, validation_alias="IOP_HTTP_MAX_BODY_BYTES")
    # Fernet key sealing dead letters' values (they may hold contact data); required in production.
    deadletter_key: SecretStr | None = Field(default=None, validation_alias="IOP_DEADLETTER_KEY")

    @field_validator("environment", mode="before")
    @classmethod
    def _environment_is_explicit(cls, value: object) -> object:
        return require_environment(value)

    @model_validator(mode="after")
    def _secrets_are_real(self) -> Self:
        skip = self.development_only_secrets if self.environment == "production" else frozenset()
        check_secrets(self, self.environment, skip | self.composite_secrets)
        check_url_password("DATABASE_URL", self.database_url, self.environment)
        check_deadletter_key(self.deadletter_key, self.environment)
        return self


class PatientPolicySettings(BaseModel):
    """Quiet hours (the allowed local window, which may wrap midnight) and per-patient caps, read the same way by
    the scheduler and the notifier: mixed into their settings, under each one's env prefix."""

    quiet_start: time = time(8, 0)
    quiet_end: time = time(21, 0)
    cap_per_day: int = 1
    cap_per_week: int = 3

    @field_validator("quiet_end")
    @classmethod
    def _quiet_edges_differ(cls, end: time, info: ValidationInfo) -> time:
        if info.data.get("quiet_start") == end:
            prefix = str(cls.model_config.get("env_prefix", "")).upper()
            raise ValueError(f"{prefix}QUIET_START and {prefix}QUIET_END must differ (equal means never or always)")
        return end
