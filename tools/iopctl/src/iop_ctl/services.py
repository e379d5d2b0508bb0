"""The services' HTTP APIs as the operator sees them: a patient's timeline across services, test messages."""

from __future__ import annotations

from typing import Annotated, Any

import httpx
import typer
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="Look at one patient across the services.", no_args_is_help=True)
console = Console()


class CtlSettings(BaseSettings):
    """Where the services answer, and the operator's tokens (IOPCTL_*)."""

    model_config = SettingsConfigDict(env_prefix="IOPCTL_", extra="ignore")

    scheduler_url: str = "http://127.0.0.1:8001"
    notifier_url: str = "http://127.0.0.1:8002"
    attendance_url: str = "http://127.0.0.1:8003"
    scheduler_token: SecretStr = Field(default=SecretStr(""))
    notifier_token: SecretStr = Field(default=SecretStr(""))  # the notifier's embedded token (message list)
    notifier_admin_token: SecretStr = Field(default=SecretStr(""))  # its operator token (send-test)
    attendance_token: SecretStr = Field(default=SecretStr(""))


def _get(base: str, path: str, token: SecretStr, **params: Any) -> Any:
    headers = {"Authorization": f"Bearer {token.get_secret_value()}"} if token.get_secret_value() else {}
    response = httpx.get(f"{base}{path}", params=params, headers=headers, timeout=10)
    response.raise_for_status()
    return response.json()


def _rows(payload: Any, key: str) -> list[dict[str, Any]]:
    if isinstance(payload, list):
        return payload
    found = payload.get(key) or payload.get("items") or []
    return list(found)


Row = tuple[str, str, str]


def reminder_rows(payload: Any) -> list[Row]:
    """The scheduler's plan: due time, purpose, dispatch status (and why it was skipped)."""
    rows = []
    for r in _rows(payload, "reminders"):
        skipped = f" ({r['skip_reason']})" if r.get("skip_reason") else ""
        rows.append((str(r.get("due_at", "")), "scheduler", f"reminder {r.get('purpose')}: {r.get('status')}{skipped}"))
    return rows


def visit_rows(payload: Any) -> list[Row]:
    """The attendance service's visits: session start, outcome and the record that counts."""
    rows = []
    for v in _rows(payload, "visits"):
        recorded = f", recorded {v['status']}" if v.get("status") else ""
        what = f"session {v.get('session_id')} ({v.get('kind')}): {v.get('outcome')}{recorded}"
        rows.append((str(v.get("starts_at", "")), "attendance", what))
    return rows


def message_rows(payload: Any) -> list[Row]:
    """Messages the notifier's embedded channel recorded (ids and channel; the text stays in the service)."""
    return [(str(m.get("created_at", "")), "notifier", f"{m.get('channel')} message recorded (embedded channel)")
            for m in _rows(payload, "messages")]


@app.command("timeline")
def timeline(patient_id: str) -> None:
    """Reminders planned and sent, messages, attendance and missed visits of one patient, in time order."""
    s = CtlSettings()
    rows = reminder_rows(_get(s.scheduler_url, f"/v1/patients/{patient_id}/reminders", s.scheduler_token))
    rows += visit_rows(_get(s.attendance_url, f"/v1/patients/{patient_id}/timeline", s.attendance_token))
    rows += message_rows(_get(s.notifier_url, "/embedded/messages", s.notifier_token, recipient_id=patient_id))
    table = Table("when (UTC)", "service", "what", title=f"patient {patient_id}")
    for when, service, what in sorted(rows):
        table.add_row(when, service, what)
    console.print(table)


def send_test(channel: Annotated[str, typer.Option(help="sms or email")],
              to: Annotated[str, typer.Option(help="E.164 phone or email address")]) -> None:
    """Send a neutral test message through the notifier's configured channel."""
    s = CtlSettings()
    token = s.notifier_admin_token.get_secret_value()
    response = httpx.post(f"{s.notifier_url}/v1/test-messages", json={"channel": channel, "to": to},
                          headers={"Authorization": f"Bearer {token}"} if token else {}, timeout=30)
    if response.status_code >= 400:
        console.print(f"[red]{response.status_code}[/red] {response.text}")
        raise typer.Exit(1)
    console.print(response.json())
