"""The run's own Kafka broker and durable PostgreSQL, both restartable; the shared stack is never touched."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import tempfile
from pathlib import Path

from iop_devkit.devstack import kafka_node
from iop_devkit.devstack.config import StackConfig
from iop_devkit.devstack.procs import port_open, stop_pid, wait_for
from iop_devkit.testing.private_pg import PrivatePostgres, free_port


class PrivateKafka:
    """A single-node KRaft broker on free ports, in a throwaway directory, as the dev stack runs one."""

    def __init__(self) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="iop-chaos-kafka-", dir="/var/tmp"))
        self.cfg = StackConfig(home=self.home, kafka_port=free_port(), controller_port=free_port(), pg_port=0,
                               database="iop")
        self._pid: int | None = None

    @property
    def bootstrap(self) -> str:
        return self.cfg.kafka_bootstrap

    def start(self) -> None:
        self._pid = kafka_node.start(self.cfg)
        wait_for(lambda: port_open(self.cfg.kafka_port), "private kafka", 90, self.home / "kafka" / "kafka.log")

    def stop(self) -> None:
        """SIGTERM (a controlled shutdown), SIGKILL if it lingers."""
        if self._pid is not None:
            stop_pid(self._pid, timeout=30)
            self._pid = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        """Its data is thrown away: no controlled shutdown needed."""
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._pid, signal.SIGKILL)
            self._pid = None
        shutil.rmtree(self.home, ignore_errors=True)


class Infra:
    """Both servers, started and stopped together; restarts run off the event loop (they block)."""

    def __init__(self) -> None:
        self.kafka = PrivateKafka()
        self.pg = PrivatePostgres(durable=True)

    async def start(self) -> None:
        await asyncio.gather(asyncio.to_thread(self.pg.start), asyncio.to_thread(self.kafka.start))

    async def restart_kafka(self) -> None:
        await asyncio.to_thread(self.kafka.restart)

    async def restart_pg(self) -> None:
        await asyncio.to_thread(self.pg.restart)

    def close(self) -> None:
        self.kafka.close()
        self.pg.stop()
