"""The services as processes: two replicas each of scheduler and notifier, one attendance, SIGKILL and restart."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx

from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.testing.ready import answers_ready
from iop_devkit.testing.service_processes import free_port, service_env, spawn_service, stop_processes

REPLICAS = {"scheduler": 2, "notifier": 2, "attendance": 1}
READY_S = 240  # a restarted replica on a loaded machine catches up before it answers ready


def tuning(name: str, offset_s: int, twilio: TwilioFake, port: int) -> dict[str, str]:
    """Short timers so recovery happens within the run; no caps or quiet hours (the clinic allows all day)."""
    if name == "scheduler":
        return {"SCHEDULER_FIRST_OFFSETS": f"{offset_s}s", "SCHEDULER_QUIET_START": "00:00",
                "SCHEDULER_QUIET_END": "23:59:59.999999", "SCHEDULER_CAP_PER_DAY": "0",
                "SCHEDULER_CAP_PER_WEEK": "0", "SCHEDULER_CHECKIN_ENABLED": "false", "SCHEDULER_SWEEP_INTERVAL": "2s"}
    if name == "notifier":
        return {"NOTIFIER_TWILIO_ACCOUNT_SID": twilio.account_sid, "NOTIFIER_TWILIO_AUTH_TOKEN": twilio.auth_token,
                "NOTIFIER_TWILIO_MESSAGING_SERVICE_SID": "MG" + "1" * 32,
                "NOTIFIER_TWILIO_API_BASE_URL": twilio.base_url, "NOTIFIER_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
                "NOTIFIER_SMS_RATE_PER_SECOND": "0", "NOTIFIER_CAP_PER_DAY": "100", "NOTIFIER_CAP_PER_WEEK": "100",
                "NOTIFIER_DISPATCH_POLL_S": "0.2", "NOTIFIER_TIMER_INTERVAL_S": "0.5", "NOTIFIER_LEASE_S": "5",
                "NOTIFIER_PROVIDER_TIMEOUT_S": "2", "NOTIFIER_REAPER_AFTER": "10", "NOTIFIER_RECONCILE_AFTER": "1"}
    return {"ATTENDANCE_STARTUP_SETTLE": "PT2S"}


@dataclass
class Replica:
    key: str  # e.g. notifier-1
    name: str
    env: dict[str, str]
    base: str
    log: Path
    proc: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        self.proc = spawn_service(self.name, self.env, self.log)
        deadline = time.monotonic() + READY_S
        async with httpx.AsyncClient(timeout=2) as http:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"{self.key} exited with {self.proc.returncode}; see {self.log}")
                if await answers_ready(http, self.base):
                    return
                await asyncio.sleep(0.5)
        raise RuntimeError(f"{self.key} not ready after {READY_S}s; see {self.log}")

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, whatever was in flight is cut off."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


@dataclass
class Fleet:
    replicas: dict[str, Replica] = field(default_factory=dict)
    schemas: dict[str, str] = field(default_factory=dict)
    database_url: str = ""

    @classmethod
    def build(cls, kafka: str, database_url: str, topics: str, logs: Path, twilio: TwilioFake,
              offset_s: int, base_env: dict[str, str]) -> Fleet:
        fleet = cls(database_url=database_url)
        for name, count in REPLICAS.items():
            schema, group = f"chaos_{name}_{uuid.uuid4().hex[:8]}", f"chaos-{name}-{uuid.uuid4().hex[:8]}"
            fleet.schemas[name] = schema
            for i in range(count):
                port = free_port()
                env = {**base_env, **service_env(name, schema, port, topics), **tuning(name, offset_s, twilio, port),
                       f"{name.upper()}_GROUP_ID": group, "KAFKA_BOOTSTRAP_SERVERS": kafka,
                       "DATABASE_URL": database_url}
                key = f"{name}-{i}"
                fleet.replicas[key] = Replica(key, name, env, f"http://127.0.0.1:{port}", logs / f"{key}.log")
        return fleet

    async def start(self) -> None:
        # One replica of each first, so two never race the same migrations.
        first = [r for r in self.replicas.values() if r.key.endswith("-0")]
        await asyncio.gather(*(r.start() for r in first))
        await asyncio.gather(*(r.start() for r in self.replicas.values() if r not in first))

    async def kill_and_restart(self, key: str) -> None:
        replica = self.replicas[key]
        replica.kill()
        await replica.start()

    async def known_patients(self) -> dict[str, int]:
        """How many patients the scheduler and the notifier hold, read from their schemas."""
        conn = await asyncpg.connect(self.database_url)
        try:
            # The schema names are the run's own (chaos_<service>_<hex>), never input.
            return {n: int(await conn.fetchval(f'SELECT count(*) FROM "{self.schemas[n]}".patients'))  # noqa: S608
                    for n in ("scheduler", "notifier")}
        finally:
            await conn.close()

    def alive(self) -> list[str]:
        return [k for k, r in self.replicas.items() if r.proc is not None and r.proc.poll() is None]

    def stop(self) -> None:
        stop_processes([r.proc for r in self.replicas.values() if r.proc is not None])
