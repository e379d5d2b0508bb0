"""Dashboard settings: environment variables with the prefix DASHBOARD_."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from iop_shared.contracts.common import EntityId, TimeZoneName
from iop_shared.settings import BaseServiceSettings


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
    list_limit: int = Field(default=100, ge=1, le=1000, description="rows per list on the page")
    attendance_url: str = Field(default="http://127.0.0.1:8003", description="the attendance service's base URL")
    # A bearer token of the attendance API (ATTENDANCE_API_TOKENS) valid for the clinics shown here.
    attendance_token: SecretStr = SecretStr("")
    attendance_timeout: timedelta = timedelta(seconds=5)
    operator_id: EntityId = Field(default="ops-dashboard", description="who acts on a flag when the page names no one")
    refresh_interval: timedelta = Field(default=timedelta(seconds=60), description="push a refresh this often")
    run_migrations: bool = True
    pool_max_size: int = Field(default=10, ge=2)
