"""The services as processes (`python -m ... run`) for end-to-end tests: own schemas, private topics, one token."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import httpx

from .kafka import private_topics, unique
from .plugin import fresh_schema
from .ports import free_port as free_port
from .ready import answers_ready

TOKEN = "e2e-clinic-token-abcdef123"  # noqa: S105 (a test token)
MODULES = {"scheduler": ("iop_scheduler", "SCHEDULER"), "attendance": ("iop_attendance", "ATTENDANCE"),
           "notifier": ("iop_notifier.entrypoints.main", "NOTIFIER")}


def service_env(service: str, schema: str, port: int, topics: str) -> dict[str, str]:
    """A test environment for `service`: TOKEN as clinic-a's (or the operator's) bearer token."""
    prefix = MODULES[service][1]
    tokens = {"scheduler": {"SCHEDULER_CLINIC_TOKENS": f'{{"clinic-a": "{TOKEN}"}}'},
              "attendance": {"ATTENDANCE_API_TOKENS": f'{{"clinic-a": "{TOKEN}"}}'},
              "notifier": {"NOTIFIER_ADMIN_TOKEN": TOKEN, "NOTIFIER_EMBEDDED_TOKEN": TOKEN + "-e",
                           "NOTIFIER_TRIAGE_TOKEN": TOKEN + "-t"}}[service]
    return {**tokens, "IOP_ENVIRONMENT": "development", "IOP_TOPIC_PREFIX": topics, f"{prefix}_DB_SCHEMA": schema,
            f"{prefix}_GROUP_ID": unique("e2e"), f"{prefix}_HTTP_HOST": "127.0.0.1", f"{prefix}_HTTP_PORT": str(port)}


@asynccontextmanager
async def run_services(kafka: str, database_url: str, names: list[str], logs: Path,
                       extra_env: Mapping[str, str] | None = None) -> AsyncIterator[tuple[str, dict[str, str]]]:
    """Start `names` on private topics, each ready (/readyz 200); yields (topic prefix, name -> base URL)."""
    async with AsyncExitStack() as stack:
        topics = await stack.enter_async_context(private_topics(kafka, f"{unique('e2e')}."))
        procs: dict[str, tuple[subprocess.Popen[bytes], str]] = {}
        for name in names:
            schema = await stack.enter_async_context(fresh_schema(database_url))
            port = free_port()
            env = {**os.environ, **service_env(name, schema, port, topics), **(extra_env or {}),
                   "KAFKA_BOOTSTRAP_SERVERS": kafka, "DATABASE_URL": database_url}
            procs[name] = (_spawn(MODULES[name][0], env, logs / f"{name}.log"), f"http://127.0.0.1:{port}")
        stack.callback(stop_processes, [p for p, _ in procs.values()])
        for name, (proc, base) in procs.items():
            await _ready(proc, base, logs / f"{name}.log")
        yield topics, {name: base for name, (_, base) in procs.items()}


def spawn_service(name: str, env: Mapping[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start one process of `name` (`python -m ... run`) with exactly `env`, appending its output to `log`."""
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", MODULES[name][0], "run"], env=dict(env), stdout=out,
                                stderr=subprocess.STDOUT)


async def wait_ready(proc: subprocess.Popen[bytes], base: str, log: Path) -> None:
    """Wait until the process answers /readyz 200 (60 s at most); fail with its log's tail if it exits."""
    await _ready(proc, base, log)


async def _ready(proc: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    async with httpx.AsyncClient(timeout=2) as http:
        while time.monotonic() < deadline:
            assert proc.poll() is None, _tail(log)
            if await answers_ready(http, base):
                return
            await asyncio.sleep(0.3)
    raise AssertionError(f"not ready: {_tail(log)}")


def _spawn(module: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", module, "run"], env=env, stdout=out, stderr=subprocess.STDOUT)


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:]


def stop_processes(procs: list[subprocess.Popen[bytes]]) -> None:
    """Terminate every process, then wait for each (20 s at most) and kill what is left."""
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
