"""`iopctl`: the operator's command line for the IOP reminder system."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from iop_shared.contracts.outbound import DeadLetter
from iop_shared.contracts.topics import DEADLETTER, TOPICS
from iop_shared.deadletter_crypto import cipher_from_environment
from iop_shared.kafka import provision_topics
from iop_shared.settings import BaseServiceSettings

from . import docs as docs_module
from . import experiments, kafka_io, services

app = typer.Typer(help="Operate the IOP reminder system.", no_args_is_help=True)
dead = typer.Typer(help="List and replay dead letters.", no_args_is_help=True)
app.add_typer(dead, name="deadletters")
app.add_typer(services.app, name="patient")
app.add_typer(experiments.app, name="experiments")
app.command("send-test")(services.send_test)
console = Console()
SERVICES = ("scheduler", "notifier", "attendance")


def _bootstrap() -> str:
    # The operator CLI only needs the broker address; the environment rules are for services.
    environment = os.environ.get("IOP_ENVIRONMENT") or "development"
    return BaseServiceSettings(IOP_ENVIRONMENT=environment).kafka_bootstrap_servers


@app.command()
def provision() -> None:
    """Create or grow the v1 topics (partitions, compaction, retention); idempotent."""
    changed = asyncio.run(provision_topics(_bootstrap()))
    console.print("\n".join(changed) or "topics already provisioned")


@app.command()
def migrate(service: Annotated[list[str] | None, typer.Argument(help="services to migrate (default: all)")] = None,
            ) -> None:
    """Apply each service's pending schema migrations (runs `iop-<service> migrate`)."""
    for name in service or SERVICES:
        exe = shutil.which(f"iop-{name}")
        if exe is None:
            raise typer.BadParameter(f"unknown service {name!r}")
        subprocess.run([exe, "migrate"], check=True)
        console.print(f"{name}: migrated")


@app.command()
def tail(topic: Annotated[str, typer.Argument(help=f"one of: {', '.join(t.base_name for t in TOPICS)}")],
         from_beginning: Annotated[bool, typer.Option("--from-beginning")] = False,
         limit: Annotated[int | None, typer.Option(help="stop after this many records")] = None,
         follow: Annotated[bool, typer.Option(help="keep waiting for new records")] = False) -> None:
    """Print a topic's records decoded: CloudEvents headers and data."""
    name = next((t.name for t in TOPICS if topic in (t.name, t.base_name, t.base_name.split(".")[1])), topic)

    async def run() -> None:
        async for rec in kafka_io.read_topic(_bootstrap(), name, from_beginning=from_beginning, limit=limit,
                                             follow=follow):
            where = f"[dim]{rec.topic}[{rec.partition}]@{rec.offset} key={rec.key}[/dim]"
            if rec.event is None:
                console.print(f"{where} [red]undecodable: {rec.error}[/red]")
                continue
            body = rec.event.data.model_dump(mode="json", exclude_none=True)
            console.print(f"{where} [bold]{rec.event.type}[/bold] id={rec.event.id} "
                          f"source={rec.event.source} time={rec.event.time.isoformat()}")
            console.print_json(json.dumps(body))

    asyncio.run(run())


async def _letters(service: str | None, limit: int | None) -> list[tuple[int, DeadLetter]]:
    found = []
    async for rec in kafka_io.read_topic(_bootstrap(), DEADLETTER.name, from_beginning=True, limit=None,
                                         follow=False):
        letter = rec.event.data if rec.event is not None else None
        if isinstance(letter, DeadLetter) and service in (None, letter.service):
            found.append((rec.offset, letter))
    return found[-limit:] if limit else found


@dead.command("list")
def dead_list(service: Annotated[str | None, typer.Option(help="only this service's")] = None,
              limit: Annotated[int, typer.Option()] = 50) -> None:
    """Show dead letters: where they came from and why they failed."""
    table = Table("dlq offset", "service", "source", "key", "error", title="dead letters")
    letters = asyncio.run(_letters(service, limit))
    for offset, letter in letters:  # the reason only: the value is never shown
        table.add_row(str(offset), letter.service, f"{letter.source_topic}[{letter.partition}]@{letter.offset}",
                      letter.key or "", letter.error[:100])
    console.print(table)
    sealed = sum(1 for _, letter in letters if letter.value_encrypted)
    console.print(f"{sealed} of {len(letters)} sealed (value encrypted with IOP_DEADLETTER_KEY)")


@dead.command("replay")
def dead_replay(service: Annotated[str | None, typer.Option(help="only this service's")] = None,
                source_topic: Annotated[str | None, typer.Option(help="only letters from this topic")] = None,
                yes: Annotated[bool, typer.Option("--yes", help="do it without asking")] = False) -> None:
    """Publish dead letters back to their source topics, after the fix that makes them succeed."""
    letters = [lt for _, lt in asyncio.run(_letters(service, None))
               if source_topic is None or lt.source_topic == source_topic]
    if not letters:
        console.print("nothing to replay")
        return
    if not yes and not typer.confirm(f"replay {len(letters)} dead letters to their source topics?"):
        raise typer.Abort
    try:
        cipher = cipher_from_environment() if any(lt.value_encrypted for lt in letters) else None
        count = asyncio.run(kafka_io.replay(_bootstrap(), letters, cipher))
    except ValueError as exc:  # no key, or not the key that sealed them: nothing was sent
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    console.print(f"replayed {count}")


@app.command()
def docs(directory: Annotated[Path, typer.Option(help="where the documents live")] = docs_module.DOCS_DIR,
         check: Annotated[bool, typer.Option(help="fail if the committed documents are stale")] = False) -> None:
    """Regenerate each service's AsyncAPI and OpenAPI document (or check that they are up to date)."""
    if check:
        names = docs_module.stale(directory)
        if names:
            console.print(f"[red]stale in {directory}:[/red] {', '.join(names)}; run `uv run iopctl docs`")
            raise typer.Exit(1)
        console.print(f"documents in {directory} are up to date")
        return
    console.print(f"wrote {docs_module.write(directory)} documents to {directory}")


def main() -> None:
    app()
