"""The `iop-attendance` command: `migrate` and `run`."""

from __future__ import annotations

import typer
import uvicorn

from iop_shared.db import migrate as apply_migrations
from iop_shared.logging import configure_logging, get_logger
from iop_shared.safety import load_settings

from ..bootstrap import MIGRATIONS, bootstrap
from ..settings import Settings

cli = typer.Typer(help="IOP attendance service", no_args_is_help=True)
log = get_logger(__name__)


@cli.command()
def migrate() -> None:
    """Apply pending database migrations to the attendance schema."""
    settings = load_settings(Settings)
    configure_logging("attendance", settings.log_level)
    applied = apply_migrations(settings.database_url, settings.db_schema, MIGRATIONS)
    log.info("migrated", schema=settings.db_schema, applied=len(applied))


@cli.command()
def run() -> None:
    """Serve HTTP and consume Kafka in one process until SIGTERM or SIGINT."""
    from .http import create_app

    settings = load_settings(Settings)
    configure_logging("attendance", settings.log_level)
    app = create_app(bootstrap(settings))
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, log_config=None, access_log=False)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
