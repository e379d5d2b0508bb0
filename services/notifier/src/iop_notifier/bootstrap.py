"""Wires the notifier from settings: real adapters by default, fakes where a test passes them.

Nothing connects at import time; `Notifier.start()` does, and `stop()` undoes it in reverse.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

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

from .adapters.embedded import EmbeddedChannel
from .adapters.providers import Sender
from .adapters.retention import purges
from .adapters.smtp_email import SmtpEmail
from .adapters.twilio_sms import TwilioSms
from .domain import instrument_set
from .entrypoints.consumers import subscribe_all
from .entrypoints.timers import Timers
from .handlers.deps import Deps
from .handlers.dispatch import run_dispatcher
from .handlers.lanes import URGENT_CONCURRENCY
from .settings import Settings

MIGRATIONS = Path(__file__).parent / "migrations"
log = get_logger(__name__)


def make_senders(settings: Settings, embedded: EmbeddedChannel) -> dict[str, Sender]:
    """Twilio and SMTP when configured; the embedded channel otherwise (the demo's default)."""
    sms: Sender = TwilioSms(settings) if settings.twilio_account_sid and settings.twilio_auth_token else embedded
    email: Sender = SmtpEmail(settings) if settings.smtp_host else embedded
    return {"sms": sms, "email": email}


class Notifier:
    """The running service: pool, consumers, outbox relay, dispatcher and timers."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self.stop_event = asyncio.Event()
        self.deps: Deps | None = None
        self.broker: KafkaBroker | None = None
        self._producer: AIOKafkaProducer | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._timers: Timers | None = None

    async def start(self) -> Deps:
        s = self.settings
        instrument_set.load()  # a malformed instruments file stops the start, not the first check-in
        if s.run_migrations:
            await asyncio.to_thread(migrate, s.database_url, s.db_schema, MIGRATIONS)
        # The urgent lane has connections of its own: a page never waits for one behind a routine burst.
        size = max(10, s.dispatch_concurrency + 4) + URGENT_CONCURRENCY
        pool = await create_pool(s.database_url, s.db_schema, max_size=size)
        senders = make_senders(s, EmbeddedChannel(pool, self.clock))
        self.deps = deps = Deps(settings=s, pool=pool, clock=self.clock, senders=senders)
        self._producer = AIOKafkaProducer(bootstrap_servers=s.kafka_bootstrap_servers, acks="all",
                                          enable_idempotence=True)
        await wait_for_kafka(s.kafka_bootstrap_servers)  # Kafka may come up after us: wait, do not exit
        await self._producer.start()
        self.broker = make_broker(s.kafka_bootstrap_servers, client_id="iop-notifier")
        subscribe_all(self.broker, deps, DeadLetterPublisher(
            self._producer, "notifier", cipher=cipher_for(s.deadletter_key, s.environment)), s.group_id)
        await self.broker.start()
        relay = OutboxRelay(s.database_url, s.db_schema, s.kafka_bootstrap_servers, poll_interval=0.5)
        self._tasks = [asyncio.create_task(relay.run(self.stop_event), name="outbox-relay"),
                       asyncio.create_task(run_dispatcher(deps, self.stop_event), name="dispatcher"),
                       asyncio.create_task(RetentionTimer.for_service(pool, deps.clock, s, purges(s)).run(
                           self.stop_event), name="retention")]
        self._timers = Timers(deps)
        self._timers.start()
        log.info("notifier_started", sms=type(senders["sms"]).__name__, email=type(senders["email"]).__name__)
        return deps

    async def stop(self) -> None:
        self.stop_event.set()
        if self._timers:
            self._timers.shutdown()
        if self.broker:
            await self.broker.stop()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._producer:
            await self._producer.stop()
        if self.deps:
            for sender in {id(x): x for x in self.deps.senders.values()}.values():
                await sender.close()
            await close_pool(self.deps.pool)
        log.info("notifier_stopped")


def bootstrap(settings: Settings | None = None, clock: Clock | None = None) -> Notifier:
    """The one place the notifier is assembled."""
    return Notifier(settings or Settings(), clock)
