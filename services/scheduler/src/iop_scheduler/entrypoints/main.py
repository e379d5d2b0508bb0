"""`iop-scheduler migrate` and `iop-scheduler run`."""

from __future__ import annotations

import typer
import uvicorn

from iop_shared.db import migrate as apply_migrations
from iop_shared.kafka import provision_topics
from iop_shared.logging import configure_logging
from iop_shared.safety import load_settings

from ..bootstrap import MIGRATIONS, bootstrap
from ..settings import Settings

cli = typer.Typer(help="The IOP scheduler: session ingest, reminder planning, durable dispatch.",
                  no_args_is_help=True)


@cli.command()
def migrate() -> None:
    """Apply the database migrations to the scheduler's schema."""
    settings = load_settings(Settings)
    configure_logging("scheduler", settings.log_level)
    applied = apply_migrations(settings.database_url, settings.db_schema, MIGRATIONS)
    typer.echo(f"applied {len(applied)} migration(s) to schema {settings.db_schema}")


@cli.command()
def run(provision: bool = typer.Option(True, help="Create missing Kafka topics first.")) -> None:
    """Serve HTTP and run the consumers, the dispatcher and the outbox relay in one process."""
    import asyncio

    settings = load_settings(Settings)
    configure_logging("scheduler", settings.log_level)
    if provision:
        asyncio.run(provision_topics(settings.kafka_bootstrap_servers))
    from .http import create_app

    app = create_app(bootstrap(settings))
    # uvicorn handles SIGTERM/SIGINT: it stops serving, then the lifespan stops the service cleanly.
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, log_config=None, access_log=False)


def main() -> None:
    cli()
