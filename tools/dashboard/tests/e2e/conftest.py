"""Processes for the end-to-end test: the attendance service and the dashboard, as a deployment runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from iop_devkit.testing.plugin import fresh_schema


@pytest.fixture
async def second_schema(database_url: str) -> AsyncIterator[str]:
    """Another fresh schema (the attendance service's), dropped afterwards."""
    async with fresh_schema(database_url) as name:
        yield name


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Callable[[str, dict[str, str]], subprocess.Popen[bytes]]]:
    """Start `python -m <module> run` with extra environment; SIGTERM (then kill) on exit; logs on failure."""
    procs: list[tuple[str, subprocess.Popen[bytes], Path]] = []

    def start(module: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = tmp_path / f"{module}.log"
        proc = subprocess.Popen([sys.executable, "-m", module, "run"], env={**os.environ, **env},
                                stdout=log.open("wb"), stderr=subprocess.STDOUT)
        procs.append((module, proc, log))
        return proc

    yield start
    for module, proc, log in procs:
        proc.terminate()
        try:
            code = proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
        if code not in (0, -15):
            print(f"--- {module} exited {code}; last log lines:\n" + "\n".join(log.read_text().splitlines()[-40:]))
