"""The notifier as N processes (`python -m iop_notifier.entrypoints.main run`), as production runs replicas.

Replicas share the work the way production does: the consumer group spreads the reminder partitions, and
`FOR UPDATE SKIP LOCKED` leases spread the due requests.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import tempfile
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

from iop_devkit.testing.service_processes import free_port, spawn_service, stop_processes, wait_ready

SHARED = {"IOP_ENVIRONMENT", "KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL"}
TICKS = os.sysconf("SC_CLK_TCK")
SETTLE_S = 10.0  # longer than Kafka's initial rebalance delay (3 s) and a rejoin on the next heartbeat


def _env(settings: Mapping[str, object]) -> dict[str, str]:
    """Settings field names as the notifier's environment (NOTIFIER_*), on a port of its own."""
    port = free_port()
    values = {**settings, "http_port": port, "public_base_url": f"http://127.0.0.1:{port}"}
    env = {k if k in SHARED else f"NOTIFIER_{k.upper()}": str(v) for k, v in values.items()}
    return {**os.environ, **env}


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a running process (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


@asynccontextmanager
async def run_replicas(settings: Mapping[str, object], n: int) -> AsyncIterator[Callable[[], float]]:
    """Start n notifier processes, each ready; yields a function giving their CPU seconds so far."""
    procs: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="bench-ntf-") as logs:
        try:
            for i in range(n):
                env = _env(settings)
                log = Path(logs) / f"notifier-{i}.log"
                procs.append(spawn_service("notifier", env, log))
                await wait_ready(procs[-1], f"http://127.0.0.1:{env['NOTIFIER_HTTP_PORT']}", log)
            if n > 1:  # each joining replica rebalances every consumer group: the steady state is what is measured
                await asyncio.sleep(SETTLE_S)
            yield lambda: sum(cpu_s(p.pid) for p in procs)
        finally:
            stop_processes(procs)
