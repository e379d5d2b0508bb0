"""Attendance settings: environment variables with the prefix ATTENDANCE_, defaults from DOMAIN.md."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from iop_shared.durations import Duration
from iop_shared.settings import BaseServiceSettings


class Settings(BaseServiceSettings):
    """What the attendance service reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="ATTENDANCE_", extra="ignore", frozen=True)

    http_host: str = "127.0.0.1"
    http_port: int = 8003
    db_schema: str = "attendance"
    group_id: str = "iop-attendance"
    missed_grace: Duration = Field(default=timedelta(minutes=15), description="starts_at + this = a miss")
    # Attendance travels on another topic than sessions, so a session that arrives already past its grace
    # (backfill, replay into a fresh database) waits this long for its records before it can be a miss.
    late_session_settle: Duration = Field(default=timedelta(seconds=30))
    # A record's recorded_at may lie this far past our clock (another system's skew); later ones are refused.
    future_skew: Duration = Field(default=timedelta(minutes=5))
    # Retention in seconds (the kernel's convention). Prompts count for the rules' 120-day history window only;
    # records at a session never heard of wait this long for it, then go.
    prompt_retention: float = Field(default=120 * 86400.0, ge=120 * 86400)
    orphan_retention: float = Field(default=30 * 86400.0, ge=86400)
    sweep_interval: Duration = Field(default=timedelta(seconds=30), description="timer safety-net sweep")
    sweep_batch: int = Field(default=500, ge=1)
    consumer_batch_size: int = Field(default=2000, ge=1, le=20000,
                                     description="records per Kafka batch; a partition's run is one transaction")
    rules_file: Path | None = Field(default=None, description="a rule-set YAML; the packaged default if unset")
    # Bearer tokens per clinic: {"clinic-id": "token"}; the clinic id "*" reads and writes every clinic.
    api_tokens: dict[str, SecretStr] = Field(default_factory=dict)
    run_migrations: bool = True
    pool_max_size: int = Field(default=10, ge=2)
