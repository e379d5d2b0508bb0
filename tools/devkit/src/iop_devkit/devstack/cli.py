"""`iop-devstack up|down|status|env`: the local Kafka and PostgreSQL the tests and the demo use."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import typer

from iop_shared.kafka import provision_topics

from . import kafka_node, postgres_node
from .config import StackConfig, load
from .procs import StackError, port_open, read_pid, stop_pid, wait_for

app = typer.Typer(help="Local Kafka (KRaft) and PostgreSQL on loopback, without Docker.", no_args_is_help=True)


def _env(cfg: StackConfig) -> str:
    return f"export KAFKA_BOOTSTRAP_SERVERS={cfg.kafka_bootstrap}\nexport DATABASE_URL={cfg.database_url}"


def bring_up(cfg: StackConfig) -> float:
    """Start whatever is not running, wait until both answer, provision topics; return seconds taken."""
    began = time.monotonic()
    if not postgres_node.running(cfg) or not port_open(cfg.pg_port):
        postgres_node.start(cfg)
    pidfile = cfg.home / "kafka" / "kafka.pid"
    if read_pid(pidfile) is None:
        if port_open(cfg.kafka_port):
            raise StackError(f"port {cfg.kafka_port} is taken by another process; set IOP_KAFKA_PORT")
        pid = kafka_node.start(cfg)
        pidfile.write_text(str(pid))
    wait_for(lambda: port_open(cfg.kafka_port), "Kafka", 90, cfg.home / "kafka" / "kafka.log")
    _run_sync(_provision(cfg.kafka_bootstrap))
    return time.monotonic() - began


def _run_sync(coro: Coroutine[Any, Any, None]) -> None:
    """Run a coroutine to completion, also when called from code inside a running event loop (test fixtures)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(coro)
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coro).result()


async def _provision(bootstrap: str) -> None:
    for attempt in range(60):
        try:
            await provision_topics(bootstrap)
            return
        except Exception:
            if attempt == 59:
                raise
            await asyncio.sleep(1)


@app.command()
def up() -> None:
    """Start Kafka and PostgreSQL (idempotent) and print the environment to use."""
    cfg = load()
    try:
        took = bring_up(cfg)
    except StackError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"# stack up in {took:.1f}s (state in {cfg.home})", err=True)
    typer.echo(_env(cfg))


@app.command()
def down() -> None:
    """Stop exactly the processes `up` started."""
    cfg = load()
    pid = read_pid(cfg.home / "kafka" / "kafka.pid")
    if pid is not None:
        stop_pid(pid)
    postgres_node.stop(cfg)
    typer.echo("stack down", err=True)


@app.command()
def status() -> None:
    """Say what is running."""
    cfg = load()
    kafka_pid = read_pid(cfg.home / "kafka" / "kafka.pid")
    typer.echo(f"kafka: {'up pid ' + str(kafka_pid) if kafka_pid and port_open(cfg.kafka_port) else 'down'} "
               f"({cfg.kafka_bootstrap})")
    pg_up = postgres_node.running(cfg) and port_open(cfg.pg_port)
    durable = ""
    if pg_up:
        from iop_shared.db import pg_durable

        durable = ", durable" if asyncio.run(pg_durable(cfg.database_url)) else ", not durable (IOP_PG_DURABLE=0)"
    typer.echo(f"postgres: {'up' if pg_up else 'down'} ({cfg.database_url}{durable})")


@app.command()
def env() -> None:
    """Print the environment variables for the local stack."""
    typer.echo(_env(load()))


def main() -> None:
    app()
