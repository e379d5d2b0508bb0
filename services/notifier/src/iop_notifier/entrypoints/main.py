"""`iop-notifier migrate` and `iop-notifier run` (one asyncio process: HTTP, consumers, relay, timers)."""

from __future__ import annotations

from typing import Any

from iop_shared.cli import service_cli

from ..bootstrap import MIGRATIONS
from ..settings import Settings


def _app(settings: Settings) -> Any:
    from .http import create_app

    return create_app(settings)


SUMMARY = "The IOP notifier: SMS and email fan-out, replies and care-team alerts."
cli = service_cli("notifier", SUMMARY, Settings, MIGRATIONS, _app)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
