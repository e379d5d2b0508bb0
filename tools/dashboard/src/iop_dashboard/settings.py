"""Dashboard settings: environment variables with the prefix DASHBOARD_."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from iop_shared.contracts.common import EntityId, TimeZoneName
from iop_shared.durations import Duration
from iop_shared.experiments import Experiment
from iop_shared.settings import BaseServiceSettings


class DevUser(BaseModel):
    """A development sign-in: password and clinics (DASHBOARD_DEV_USERS, development and test only)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    password: SecretStr
    clinics: tuple[EntityId, ...] = Field(min_length=1)
    name: str = Field(default="", max_length=120)


class Settings(BaseServiceSettings):
    """What the dashboard reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="DASHBOARD_", extra="ignore", frozen=True)

    http_host: str = "127.0.0.1"
    http_port: int = 8004
    db_schema: str = "dashboard"
    group_id: str = "iop-dashboard"
    timezone: TimeZoneName = Field(default="UTC", description="the clinic's zone: what 'today' and weeks mean")
    chart_weeks: int = Field(default=8, ge=1, le=52, description="weeks shown in the charts")
    missed_window_days: int = Field(default=7, ge=1, le=90, description="missed visits listed from this many days")
    # Retention in seconds (the kernel's convention): what the charts and lists show, and closed items.
    history_retention: float = Field(default=12 * 7 * 86400.0, gt=0)
    closed_retention: float = Field(default=30 * 86400.0, ge=86400)
    list_limit: int = Field(default=100, ge=1, le=1000, description="rows per list on the page")
    attendance_url: str = Field(default="http://127.0.0.1:8003", description="the attendance service's base URL")
    # A bearer token of the attendance API (ATTENDANCE_API_TOKENS) valid for the clinics shown here.
    attendance_token: SecretStr = SecretStr("")
    attendance_timeout: Duration = timedelta(seconds=5)
    refresh_interval: Duration = Field(default=timedelta(seconds=60), description="push a refresh this often")
    run_migrations: bool = True
    pool_max_size: int = Field(default=10, ge=2)
    consumer_batch_size: int = Field(default=2000, ge=1, le=20000,
                                     description="records per Kafka batch; a partition's run is one transaction")
    # Sign-in: OIDC in production, configured users in development.
    public_url: str = Field(default="", description="the page's public origin (Origin checks, OIDC redirect)")
    oidc_issuer: str = Field(default="", description="OIDC issuer URL (its /.well-known/openid-configuration)")
    oidc_client_id: str = ""
    oidc_client_secret: SecretStr | None = None
    oidc_clinics_claim: str = Field(default="iop_clinics", description="the ID token claim listing the clinics")
    oidc_scope: str = "openid profile"
    dev_users: dict[EntityId, DevUser] = Field(default_factory=dict)
    # Empty in development: a random key per process (sign in again after a restart).
    session_secret: SecretStr = SecretStr("")
    session_max_age: Duration = Field(default=timedelta(hours=8), description="a sign-in lasts this long")
    notifier_url: str = Field(default="http://127.0.0.1:8002", description="the notifier's base URL (concerns)")
    # Required outside development: without it nobody can open a concern (the triage queue is a safety path).
    notifier_token: SecretStr = SecretStr("")
    notifier_timeout: Duration = timedelta(seconds=5)
    # Reminder experiments (JSON list of iop_shared.experiments.Experiment, as NOTIFIER_EXPERIMENTS): their reports.
    experiments: list[Experiment] = Field(default_factory=list)

    @model_validator(mode="after")
    def _sign_in_is_safe(self) -> Self:
        if self.environment != "development":
            if self.dev_users:
                raise ValueError("dev_users: development sign-in is refused outside development")
            if not (self.oidc_issuer and self.oidc_client_id and self.oidc_client_secret):
                raise ValueError("oidc_issuer, oidc_client_id and oidc_client_secret are required in "
                                 f"{self.environment}")
        return self

    @model_validator(mode="after")
    def _history_covers_the_page(self) -> Self:
        # A purge must never take what the charts or the missed-visit list still show.
        shown = max(self.chart_weeks * 7 + 7, self.missed_window_days) * 86400
        if self.history_retention < shown:
            raise ValueError("DASHBOARD_HISTORY_RETENTION must cover DASHBOARD_CHART_WEEKS (plus a week) and "
                             "DASHBOARD_MISSED_WINDOW_DAYS")
        return self

    @property
    def uses_oidc(self) -> bool:
        return bool(self.oidc_issuer)

    @property
    def cookie_secure(self) -> bool:
        # A developer's demo on plain http still signs in; an https page always marks the cookie Secure.
        return self.environment == "production" or self.public_url.startswith("https://")

    def session_key(self) -> str:
        """The cookie-signing key; the base validator refuses a placeholder outside development."""
        return self.session_secret.get_secret_value() or secrets.token_urlsafe(32)
