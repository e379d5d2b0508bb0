"""Wires the attendance service from settings; nothing connects until `Service.start()`."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker

from iop_shared.clock import Clock, SystemClock
from iop_shared.consumer import DeadLetterPublisher
from iop_shared.db import create_pool, migrate
from iop_shared.deadletter_crypto import cipher_for
from iop_shared.kafka import make_broker, wait_for_kafka
from iop_shared.logging import get_logger
from iop_shared.relay import OutboxRelay
from iop_shared.retention import RetentionTimer
from iop_shared.shutdown import close_pool

from .adapters.catchup import wait_caught_up
from .adapters.retention import purges
from .domain.ruleset import RuleSet, load
from .entrypoints.consumers import groups, subscribe
from .entrypoints.timers import MissedVisitTimer
from .handlers.context import Context
from .settings import Settings

MIGRATIONS = Path(__file__).parent / "migrations"
SERVICE = "attendance"
log = get_logger(__name__)


@dataclass
class Service:
    """The running parts: pool, handler context, broker, outbox relay and timers."""

    settings: Settings
    clock: Clock
    rules: RuleSet
    kafka: bool = True
    timers: bool = True
    pool: asyncpg.Pool | None = None
    ctx: Context | None = None
    broker: KafkaBroker | None = None
    timer: MissedVisitTimer | None = None
    _producer: AIOKafkaProducer | None = None
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _catchup: asyncio.Task[None] | None = None

    async def start(self) -> None:
        s = self.settings
        if s.run_migrations:
            await asyncio.to_thread(migrate, s.database_url, s.db_schema, MIGRATIONS)
        self.pool = await create_pool(s.database_url, s.db_schema, max_size=s.pool_max_size)
        self.ctx = Context(self.pool, self.clock, self.rules, s.missed_grace, consumer=SERVICE,
                           late_session_settle=s.late_session_settle, future_skew=s.future_skew)
        if self.timers:
            self.timer = MissedVisitTimer(self.ctx, s.sweep_interval, s.sweep_batch)
            self.ctx.wake = self.timer.wake
            self.ctx.deciding = lambda: self.timer is not None and self.timer.released
        if self.kafka:
            await self._start_kafka()
        if self.timers:
            retention = RetentionTimer.for_service(self.pool, self.clock, s, purges(s))
            self._tasks.append(asyncio.create_task(retention.run(self._stop)))
        if self.timer is not None:
            self.timer.start()
            if self.kafka:
                self._catchup = asyncio.create_task(self._release_when_caught_up(self.timer))
            else:
                self.timer.release()
        log.info("attendance_started", rule_set=self.rules.version, schema=s.db_schema)

    async def _start_kafka(self) -> None:
        s = self.settings
        assert self.ctx is not None
        self._producer = AIOKafkaProducer(bootstrap_servers=s.kafka_bootstrap_servers, enable_idempotence=True,
                                          acks="all")
        await wait_for_kafka(s.kafka_bootstrap_servers)  # Kafka may come up after us: wait, do not exit
        await self._producer.start()
        self.broker = make_broker(s.kafka_bootstrap_servers, client_id=f"iop-{SERVICE}")
        subscribe(self.broker, self.ctx, s.group_id, DeadLetterPublisher(
            self._producer, SERVICE, cipher=cipher_for(s.deadletter_key, s.environment)),
                  s.consumer_batch_size)
        await self.broker.start()
        relay = OutboxRelay(s.database_url, s.db_schema, s.kafka_bootstrap_servers, poll_interval=0.5)
        self._tasks.append(asyncio.create_task(relay.run(self._stop)))

    async def _release_when_caught_up(self, timer: MissedVisitTimer) -> None:
        """Timers start once every consumer has committed past the end offsets seen now (not after a fixed delay)."""
        s, delay = self.settings, 0.5
        while not self._stop.is_set():
            try:
                await wait_caught_up(s.kafka_bootstrap_servers, groups(s.group_id))
            except Exception as exc:  # Kafka away for a moment: ask again, never start timers on a guess
                log.warning("attendance_catchup_check_failed", error=type(exc).__name__, retry_in=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
                continue
            timer.release()
            return

    async def stop(self) -> None:
        self._stop.set()
        if self._catchup is not None:
            self._catchup.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._catchup
        if self.timer is not None:
            self.timer.stop()
        if self.broker is not None:
            await self.broker.stop()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=10)
        if self._producer is not None:
            await self._producer.stop()
        if self.pool is not None:
            await close_pool(self.pool)
        log.info("attendance_stopped", schema=self.settings.db_schema)


def bootstrap(settings: Settings, clock: Clock | None = None, *, kafka: bool = True,
              timers: bool = True) -> Service:
    """The service with real adapters; tests pass a FrozenClock, or turn Kafka or timers off."""
    return Service(settings=settings, clock=clock or SystemClock(), rules=load(settings.rules_file), kafka=kafka,
                   timers=timers)
