"""The `iop-dashboard` command: `migrate` and `run`."""

from __future__ import annotations

import sys

import typer
import uvicorn
from pydantic import ValidationError

from iop_shared.db import migrate as apply_migrations
from iop_shared.logging import configure_logging, get_logger

from ..bootstrap import MIGRATIONS, bootstrap
from ..settings import Settings

cli = typer.Typer(help="IOP operations dashboard", no_args_is_help=True)
log = get_logger(__name__)


def load_settings() -> Settings:
    """The settings, or exit 2 naming each refused field and why (never the values: they may be secrets)."""
    try:
        return Settings()
    except ValidationError as exc:
        for error in exc.errors(include_input=False, include_url=False):
            where = ".".join(str(p) for p in error["loc"]) or "settings"
            print(f"iop-dashboard: refusing to start: {where}: {error['msg']}", file=sys.stderr)
        raise SystemExit(2) from None


@cli.command()
def migrate() -> None:
    """Apply pending database migrations to the dashboard schema."""
    settings = load_settings()
    configure_logging("dashboard", settings.log_level)
    applied = apply_migrations(settings.database_url, settings.db_schema, MIGRATIONS)
    log.info("migrated", schema=settings.db_schema, applied=len(applied))


@cli.command()
def run() -> None:
    """Serve the page and consume Kafka in one process until SIGTERM or SIGINT."""
    from .http import create_app

    settings = load_settings()
    configure_logging("dashboard", settings.log_level)
    app = create_app(bootstrap(settings))
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, log_config=None, access_log=False)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
