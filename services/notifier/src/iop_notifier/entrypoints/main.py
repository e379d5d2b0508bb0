"""`iop-notifier migrate` and `iop-notifier run` (one asyncio process: HTTP, consumers, relay, timers)."""

from __future__ import annotations

import typer
import uvicorn

from iop_notifier.bootstrap import MIGRATIONS
from iop_notifier.settings import Settings
from iop_shared.db import migrate as apply_migrations
from iop_shared.kafka import provision_topics
from iop_shared.logging import configure_logging
from iop_shared.safety import load_settings

cli = typer.Typer(help="IOP notifier: SMS and email fan-out, replies and care-team alerts.", no_args_is_help=True)


@cli.command()
def migrate() -> None:
    """Apply the notifier's database migrations."""
    settings = load_settings(Settings)
    configure_logging("notifier", settings.log_level)
    applied = apply_migrations(settings.database_url, settings.db_schema, MIGRATIONS)
    typer.echo(f"applied {len(applied)} migrations to schema {settings.db_schema}")


@cli.command()
def run(provision: bool = typer.Option(False, help="Create missing Kafka topics first")) -> None:
    """Serve HTTP and run consumers, the outbox relay, the dispatcher and timers until SIGTERM or SIGINT."""
    import asyncio

    from iop_notifier.entrypoints.http import create_app

    settings = load_settings(Settings)
    configure_logging("notifier", settings.log_level)
    if provision:
        asyncio.run(provision_topics(settings.kafka_bootstrap_servers))
    config = uvicorn.Config(create_app(settings), host=settings.http_host, port=settings.http_port,
                            log_config=None, access_log=False)
    uvicorn.Server(config).run()


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
