"""What the notifier refuses in production: recorded-not-sent channels, unusable webhook URLs, plaintext SMTP.

Each refusal names the environment variable, never its value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from iop_shared.safety import check_public_url

if TYPE_CHECKING:
    from fastapi import FastAPI

    from .settings import Settings


def production_problems(s: Settings) -> list[str]:
    """Every reason these settings would deliver to nobody or leak in production (empty when fine)."""
    problems: list[str] = []
    if not (s.twilio_account_sid and s.twilio_auth_token):
        problems.append("NOTIFIER_TWILIO_ACCOUNT_SID and NOTIFIER_TWILIO_AUTH_TOKEN are required in production "
                        "(the embedded SMS channel delivers to nobody)")
    if not (s.twilio_messaging_service_sid or s.twilio_from_number):
        problems.append("NOTIFIER_TWILIO_MESSAGING_SERVICE_SID or NOTIFIER_TWILIO_FROM_NUMBER is required "
                        "in production")
    if not s.smtp_host:
        problems.append("NOTIFIER_SMTP_HOST is required in production (the embedded email channel delivers to nobody)")
    elif not (s.smtp_use_tls or s.smtp_start_tls or s.smtp_allow_plaintext):
        problems.append("NOTIFIER_SMTP_USE_TLS or NOTIFIER_SMTP_START_TLS is required in production "
                        "(NOTIFIER_SMTP_ALLOW_PLAINTEXT=true accepts an unencrypted relay explicitly)")
    try:
        check_public_url("NOTIFIER_PUBLIC_BASE_URL", s.public_base_url)
    except ValueError as exc:
        problems.append(str(exc))
    return problems


def check_production(s: Settings) -> None:
    """Raise one error listing every problem, so an operator fixes them in one pass."""
    if s.environment != "production":
        return
    problems = production_problems(s)
    if problems:
        raise ValueError("; ".join(problems) + "; refusing to start in production")


def drop_development_routes(app: FastAPI) -> None:
    """/embedded/* reads and writes the recorded-not-sent channel: it does not exist in production."""
    app.router.routes[:] = [r for r in app.router.routes if not getattr(r, "path", "").startswith("/embedded/")]
    app.openapi_schema = None
