"""`iop-scheduler migrate` and `iop-scheduler run`."""

from __future__ import annotations

from typing import Any

from iop_shared.cli import service_cli

from ..bootstrap import MIGRATIONS, bootstrap
from ..settings import Settings


def _app(settings: Settings) -> Any:
    from .http import create_app

    return create_app(bootstrap(settings))


SUMMARY = "The IOP scheduler: session ingest, reminder planning, durable dispatch."
cli = service_cli("scheduler", SUMMARY, Settings, MIGRATIONS, _app)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
