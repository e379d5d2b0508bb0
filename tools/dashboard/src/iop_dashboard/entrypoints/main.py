"""`iop-dashboard migrate` and `iop-dashboard run`."""

from __future__ import annotations

from typing import Any

from iop_shared.cli import service_cli

from ..bootstrap import MIGRATIONS, bootstrap
from ..settings import Settings


def _app(settings: Settings) -> Any:
    from .http import create_app

    return create_app(bootstrap(settings))


SUMMARY = "The IOP operations dashboard."
cli = service_cli("dashboard", SUMMARY, Settings, MIGRATIONS, _app)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
