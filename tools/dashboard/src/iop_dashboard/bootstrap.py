"""Wires the dashboard from settings; nothing connects until `Service.start()`."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker

from iop_shared.clock import Clock, SystemClock
from iop_shared.consumer import DeadLetterPublisher
from iop_shared.db import create_pool, migrate
from iop_shared.deadletter_crypto import cipher_for
from iop_shared.kafka import make_broker, wait_for_kafka
from iop_shared.logging import get_logger
from iop_shared.retention import RetentionTimer
from iop_shared.shutdown import close_pool

from .adapters.attendance import AttendanceClient
from .adapters.changes import Broadcaster, ChangeListener, Clinics
from .adapters.notifier import NotifierClient
from .adapters.retention import purges
from .entrypoints.consumers import subscribe
from .entrypoints.timers import RefreshTimer
from .entrypoints.views import render_live
from .handlers.context import Context
from .handlers.queries import overview
from .settings import Settings

MIGRATIONS = Path(__file__).parent / "migrations"
SERVICE = "dashboard"
log = get_logger(__name__)


@dataclass
class Service:
    """The running parts: pool, handler context, broker, change listener, live broadcaster and refresh timer."""

    settings: Settings
    clock: Clock
    kafka: bool = True
    timers: bool = True
    attendance_transport: httpx.AsyncBaseTransport | None = None
    notifier_transport: httpx.AsyncBaseTransport | None = None
    pool: asyncpg.Pool | None = None
    ctx: Context | None = None
    broker: KafkaBroker | None = None
    broadcaster: Broadcaster | None = None
    listener: ChangeListener | None = None
    timer: RefreshTimer | None = None
    _producer: AIOKafkaProducer | None = None
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def start(self) -> None:
        s = self.settings
        if s.run_migrations:
            await asyncio.to_thread(migrate, s.database_url, s.db_schema, MIGRATIONS)
        self.pool = await create_pool(s.database_url, s.db_schema, max_size=s.pool_max_size)
        client = AttendanceClient(s.attendance_url, s.attendance_token.get_secret_value(),
                                  s.attendance_timeout.total_seconds(), transport=self.attendance_transport)
        notifier = NotifierClient(s.notifier_url, s.notifier_token.get_secret_value(),
                                  s.notifier_timeout.total_seconds(), transport=self.notifier_transport)
        ctx = self.ctx = Context(self.pool, self.clock, s, client, notifier)

        async def render(clinics: Clinics) -> str:
            return render_live(await overview(ctx, clinics))

        self.broadcaster = Broadcaster(render)
        self.listener = ChangeListener(s.database_url, ctx.channel, self.broadcaster.changed)
        self._tasks += [asyncio.create_task(self.broadcaster.run(self._stop)),
                        asyncio.create_task(self.listener.run(self._stop))]
        if self.kafka:
            await self._start_kafka()
        if self.timers:
            self.timer = RefreshTimer(self.broadcaster.changed, s.refresh_interval)
            self.timer.start()
            retention = RetentionTimer.for_service(self.pool, self.clock, s, purges(s))
            self._tasks.append(asyncio.create_task(retention.run(self._stop)))
        log.info("dashboard_started", schema=s.db_schema, group_id=s.group_id)

    async def _start_kafka(self) -> None:
        s = self.settings
        assert self.ctx is not None
        self._producer = AIOKafkaProducer(bootstrap_servers=s.kafka_bootstrap_servers, enable_idempotence=True,
                                          acks="all")
        await wait_for_kafka(s.kafka_bootstrap_servers)  # Kafka may come up after us: wait, do not exit
        await self._producer.start()
        self.broker = make_broker(s.kafka_bootstrap_servers, client_id=f"iop-{SERVICE}")
        subscribe(self.broker, self.ctx, s.group_id, DeadLetterPublisher(
            self._producer, SERVICE, cipher=cipher_for(s.deadletter_key, s.environment)), s.consumer_batch_size)
        await self.broker.start()

    async def stop(self) -> None:
        self._stop.set()
        if self.timer is not None:
            self.timer.stop()
        if self.broker is not None:
            await self.broker.stop()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(task, timeout=5)
        if self._producer is not None:
            await self._producer.stop()
        if self.ctx is not None:
            await self.ctx.attendance.aclose()
            await self.ctx.notifier.aclose()
        if self.pool is not None:
            await close_pool(self.pool)
        log.info("dashboard_stopped")


def bootstrap(settings: Settings, clock: Clock | None = None, *, kafka: bool = True, timers: bool = True,
              attendance_transport: httpx.AsyncBaseTransport | None = None,
              notifier_transport: httpx.AsyncBaseTransport | None = None) -> Service:
    """The service with real adapters; tests pass a FrozenClock, turn Kafka or timers off, or fake attendance."""
    return Service(settings=settings, clock=clock or SystemClock(), kafka=kafka, timers=timers,
                   attendance_transport=attendance_transport, notifier_transport=notifier_transport)
