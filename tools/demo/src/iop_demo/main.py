"""`iop-demo`: Kafka, PostgreSQL, the three services, the dashboard, a mail catcher and a simulated clinic."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import shutil
import signal
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from iop_devkit.devstack import cli as devstack
from iop_devkit.devstack import postgres_node
from iop_devkit.devstack.config import load
from iop_devkit.devstack.procs import read_pid, stop_pid
from iop_shared.kafka import provision_topics

from .cast import make_cast
from .clinic import Clinic
from .dashboard import TRIAGE_KEY, DevUser, dashboard_env, dev_users, open_concerns
from .feed import LiveFeed
from .mailcatcher import MailCatcher
from .processes import ServiceProcess
from .profile import service_env
from .timeline import run_scenario

console = Console()
PORTS = {"scheduler": 8001, "notifier": 8002, "attendance": 8003, "dashboard": 8004}
TOPIC_PREFIX = "demo."


def _stack() -> tuple[str, str, bool]:
    """Kafka and PostgreSQL addresses, and whether this run started them (so it stops them at the end)."""
    kafka, db = os.environ.get("KAFKA_BOOTSTRAP_SERVERS"), os.environ.get("DATABASE_URL")
    if kafka and db:
        return kafka, db, False
    cfg = load()
    was_up = read_pid(cfg.home / "kafka" / "kafka.pid") is not None and postgres_node.running(cfg)
    took = devstack.bring_up(cfg)
    console.print(f"[dim]Kafka and PostgreSQL {'already running' if was_up else f'up in {took:.1f}s'}[/dim]")
    return cfg.kafka_bootstrap, cfg.database_url, not was_up


def _stop_stack() -> None:
    cfg = load()
    pid = read_pid(cfg.home / "kafka" / "kafka.pid")
    if pid is not None:
        stop_pid(pid)
    postgres_node.stop(cfg)


def demo(scale: Annotated[float, typer.Option(help="time scale: 1.0 runs about 7 minutes, 0.5 about 4")] = 1.0,
         patients: Annotated[int, typer.Option(min=20, max=200)] = 50,
         keep_running: Annotated[bool, typer.Option(help="after the summary, keep running until Ctrl-C")] = True,
         summary_json: Annotated[Path | None, typer.Option(help="also write the summary counts here")] = None,
         ) -> None:
    """Run the whole system with a simulated clinic and show what happens, live."""
    began = time.monotonic()
    os.environ["IOP_TOPIC_PREFIX"] = TOPIC_PREFIX  # the demo's own topics: tests and real data never mix in
    kafka, db, started_stack = _stack()
    asyncio.run(provision_topics(kafka))
    run = uuid.uuid4().hex[:6]
    tokens = {name: secrets.token_urlsafe(16) for name in ("scheduler", "notifier", "attendance")}
    logs = Path(os.environ.get("IOP_DEMO_LOGS", load().home / "demo" / run))
    mail = MailCatcher(port=2525)
    users = dev_users()
    envs = service_env(scale, mail.port, tokens, dashboard_env(users))
    names = [n for n in PORTS if shutil.which(f"iop-{n}")]
    procs = [ServiceProcess(n, PORTS[n], {**envs[n], "KAFKA_BOOTSTRAP_SERVERS": kafka, "DATABASE_URL": db,
                                          f"{n.upper()}_DB_SCHEMA": f"demo_{n}", "IOP_TOPIC_PREFIX": TOPIC_PREFIX},
                            logs) for n in names]
    stopping = False

    def on_signal(*_: object) -> None:
        nonlocal stopping
        stopping = True
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        mail.start()
        for proc in procs:
            proc.start()
        for proc in procs:
            proc.wait_ready()
        console.print(f"[bold]services ready[/bold] in {time.monotonic() - began:.0f}s from start: "
                      + ", ".join(f"{p.name} {p.base_url}" for p in procs) + f"; logs in {logs}")
        if "dashboard" in names:
            _sign_in_hint(users)
        counts = asyncio.run(_scenario(kafka, {p.name: p.base_url for p in procs}, tokens, run, scale, patients,
                                       mail, users if "dashboard" in names else []))
        console.print(_table(run, counts))
        if summary_json:
            summary_json.write_text(json.dumps({"run": run, "counts": counts}, indent=2))
        console.print(f"[dim]demo took {time.monotonic() - began:.0f}s from a cold start[/dim]")
        if "dashboard" in names:
            _sign_in_hint(users)
        if keep_running and not stopping:
            console.print("the system keeps running: open the dashboard, acknowledge a flag; Ctrl-C stops everything")
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        console.print("\nstopping ...")
    finally:
        for proc in reversed(procs):
            proc.stop()
        mail.stop()
        if started_stack:
            _stop_stack()
        console.print("stopped everything the demo started")


def _sign_in_hint(users: list[DevUser]) -> None:
    console.print("[bold]operations dashboard:[/bold] http://127.0.0.1:8004/ - sign in as "
                  + "; ".join(f"[bold]{u.user_id}[/bold] / [bold]{u.password}[/bold] ({u.clinic_id})" for u in users))


async def _scenario(kafka: str, urls: dict[str, str], tokens: dict[str, str], run: str, scale: float,
                    patients: int, mail: MailCatcher, users: list[DevUser]) -> dict[str, int]:
    feed = LiveFeed(kafka, console)
    await feed.start()
    stop = asyncio.Event()
    reader = asyncio.create_task(feed.run(stop))
    cast = make_cast(run, datetime.now(UTC), patients)
    clinic = Clinic(kafka, urls, tokens, cast, lambda text: console.print(f"[bold white]clinic[/bold white] {text}"))
    try:
        await run_scenario(clinic, scale)
    finally:
        await asyncio.sleep(2)
        stop.set()
        with contextlib.suppress(Exception):
            await reader
        await feed.stop()
        await clinic.close()
    counts = {**feed.counts, "emails caught by the local SMTP server": len(mail.messages)}
    if users:  # what the care team sees: every reply read as `concern` waits in the triage queue
        expected = feed.counts.get("reply (concern)", 0)
        counts[TRIAGE_KEY] = sum([await open_concerns(urls["dashboard"], u, run, expected) for u in users])
    return counts


def _table(run: str, counts: dict[str, int]) -> Table:
    table = Table("what", "count", title=f"demo run {run}: summary")
    for key, count in sorted(counts.items()):
        table.add_row(key, str(count))
    return table


def main() -> None:
    typer.run(demo)

