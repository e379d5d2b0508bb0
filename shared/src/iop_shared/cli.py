"""One command line for every service: `iop-<name> migrate` and `iop-<name> run`, the same options and output."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import typer

from .db import migrate as apply_migrations
from .kafka import provision_topics
from .logging import configure_logging
from .safety import load_settings
from .tracing import configure_tracing, instrument_app, instrument_asyncpg


class ServedSettings(Protocol):
    """What the command line reads from a service's settings."""

    @property
    def log_level(self) -> str: ...
    @property
    def database_url(self) -> str: ...
    @property
    def db_schema(self) -> str: ...
    @property
    def kafka_bootstrap_servers(self) -> str: ...
    @property
    def http_host(self) -> str: ...
    @property
    def http_port(self) -> int: ...


def service_cli(name: str, summary: str, settings_type: type[Any], migrations: Path,
                make_app: Callable[[Any], Any]) -> typer.Typer:
    """The service's typer app; `make_app(settings)` builds its ASGI app (imported late: nothing connects before)."""
    cli = typer.Typer(help=summary, no_args_is_help=True, add_completion=False)

    def settings() -> ServedSettings:
        loaded: ServedSettings = load_settings(settings_type)
        configure_logging(name, loaded.log_level)
        return loaded

    @cli.command()
    def migrate() -> None:
        """Apply the database migrations to the service's schema."""
        s = settings()
        applied = apply_migrations(s.database_url, s.db_schema, migrations)
        typer.echo(f"applied {len(applied)} migration(s) to schema {s.db_schema}")

    @cli.command()
    def run(provision: bool = typer.Option(False, help="Create missing Kafka topics first (development).")) -> None:
        """Serve HTTP and run the consumers, the outbox relay and the timers until SIGTERM or SIGINT."""
        import uvicorn

        s = settings()
        if provision:
            asyncio.run(provision_topics(s.kafka_bootstrap_servers))
        configure_tracing(f"iop-{name}")
        instrument_asyncpg()
        app = make_app(s)
        instrument_app(app)
        # uvicorn handles SIGTERM/SIGINT: it stops serving, then the app's lifespan stops the service cleanly.
        uvicorn.run(app, host=s.http_host, port=s.http_port, log_config=None, access_log=False)

    return cli


def topics_main() -> None:
    """`iop-topics`: create or grow the v1 topics on KAFKA_BOOTSTRAP_SERVERS (idempotent)."""
    cli = typer.Typer(add_completion=False)

    @cli.command()
    def provision() -> None:
        """Create or grow the v1 topics on KAFKA_BOOTSTRAP_SERVERS; idempotent, prints what changed."""
        from .settings import BaseServiceSettings

        s = load_settings(BaseServiceSettings)
        changed = asyncio.run(provision_topics(s.kafka_bootstrap_servers))
        for line in changed or ["topics already provisioned"]:
            typer.echo(line)

    cli()
