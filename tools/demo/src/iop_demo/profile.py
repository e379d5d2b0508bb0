"""The demo profile: every service's environment for a run measured in minutes instead of days."""

from __future__ import annotations

import json


def seconds(value: float) -> str:
    return f"{max(1, round(value))}s"


def service_env(scale: float, smtp_port: int, tokens: dict[str, str],
                dashboard: dict[str, str] | None = None) -> dict[str, dict[str, str]]:
    """Per service: reminder offsets and grace in seconds, caps wide enough for two reminders in one day."""
    common = {"IOP_ENVIRONMENT": "development", "LOG_LEVEL": "INFO"}
    return {
        "scheduler": {**common,
                      "SCHEDULER_CLINIC_TOKENS": json.dumps({"clinic-demo": tokens["scheduler"]}),
                      "SCHEDULER_FIRST_OFFSETS": f"{seconds(90 * scale)},{seconds(45 * scale)}",
                      "SCHEDULER_EACH_SESSION_OFFSET": seconds(45 * scale),
                      "SCHEDULER_CAP_PER_DAY": "4", "SCHEDULER_CAP_PER_WEEK": "8",
                      "SCHEDULER_CHANGE_SETTLE": seconds(10 * scale),
                      "SCHEDULER_SWEEP_INTERVAL": "5s"},
        "notifier": {**common,
                     "NOTIFIER_EMBEDDED_TOKEN": tokens["notifier"],
                     "NOTIFIER_SMTP_HOST": "127.0.0.1", "NOTIFIER_SMTP_PORT": str(smtp_port),
                     "NOTIFIER_EMAIL_FROM": "reminders@harbor-health.example",
                     "NOTIFIER_CAP_PER_DAY": "4", "NOTIFIER_CAP_PER_WEEK": "8",
                     "NOTIFIER_ESCALATE_AFTER_S": str(round(60 * scale)),
                     "NOTIFIER_SMS_RATE_PER_SECOND": "0"},
        "attendance": {**common,
                       "ATTENDANCE_API_TOKENS": json.dumps({"clinic-demo": tokens["attendance"]}),
                       "ATTENDANCE_MISSED_GRACE": f"PT{round(60 * scale)}S",
                       "ATTENDANCE_SWEEP_INTERVAL": "PT5S"},
        "dashboard": {**common, **(dashboard or {}),
                      "DASHBOARD_ATTENDANCE_URL": "http://127.0.0.1:8003",
                      "DASHBOARD_ATTENDANCE_TOKEN": tokens["attendance"],
                      # The notifier's concern API (POST /v1/concerns/{id}/open) with the demo's notifier token.
                      "DASHBOARD_NOTIFIER_URL": "http://127.0.0.1:8002",
                      "DASHBOARD_NOTIFIER_TOKEN": tokens["notifier"]},
    }
