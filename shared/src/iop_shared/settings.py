"""Settings base: environment variables read by pydantic-settings; secrets refuse placeholders outside development."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .contracts.inbound import DEFAULT_MAX_ATTENDEES

PLACEHOLDERS = frozenset({"", "changeme", "change-me", "placeholder", "secret", "xxx", "todo", "dev-token"})


class BaseServiceSettings(BaseSettings):
    """What every service reads; a service subclass adds its own fields under its env prefix."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    environment: Literal["development", "test", "production"] = Field(
        default="development", validation_alias=AliasChoices("IOP_ENVIRONMENT", "ENVIRONMENT"))
    kafka_bootstrap_servers: str = Field(
        default="127.0.0.1:19092", validation_alias="KAFKA_BOOTSTRAP_SERVERS")
    database_url: str = Field(
        default="postgresql://postgres@127.0.0.1:15432/iop", validation_alias="DATABASE_URL")
    log_level: str = Field(default="INFO", validation_alias="LOG_LEVEL")
    # The contract reads IOP_MAX_ATTENDEES when it validates a roster; declared here so a bad value stops the start.
    max_attendees: int = Field(default=DEFAULT_MAX_ATTENDEES, ge=1, validation_alias="IOP_MAX_ATTENDEES")

    @model_validator(mode="after")
    def _secrets_are_real(self) -> Self:
        if self.environment == "development":
            return self
        for name, value in self:
            for secret in _secrets_in(value):
                if secret.get_secret_value().strip().lower() in PLACEHOLDERS:
                    raise ValueError(f"{name} is missing or a placeholder; refusing to start in {self.environment}")
        return self


def _secrets_in(value: object) -> list[SecretStr]:
    """SecretStr values at the top level or inside a dict or list (e.g. tokens per clinic)."""
    if isinstance(value, SecretStr):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _secrets_in(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _secrets_in(v)]
    return []
