"""Wires the scheduler: real adapters for `run`, the same with a test clock for tests. Nothing connects at import."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker

from iop_shared.clock import Clock, SystemClock
from iop_shared.consumer import BatchHandler, DeadLetterPublisher, Handler, subscribe_events
from iop_shared.contracts.topics import CHECKINS, CLINICS, PATIENTS, RESCHEDULES, SESSIONS, SLOTS, Topic
from iop_shared.db import create_pool, migrate
from iop_shared.deadletter_crypto import cipher_for
from iop_shared.kafka import make_broker, wait_for_kafka
from iop_shared.logging import get_logger
from iop_shared.relay import OutboxRelay
from iop_shared.retention import RetentionTimer
from iop_shared.shutdown import bounded, close_pool

from .adapters.repository import Store
from .adapters.retention import purges
from .entrypoints.replan_drainer import ReplanDrainer
from .entrypoints.timers import DispatchTimer
from .handlers import ingest, reschedule
from .handlers.deps import Deps, RescheduleTimes
from .handlers.dispatch import Dispatcher
from .handlers.planner_pool import PlannerPool
from .handlers.session_batch import sessions_upserted
from .metrics import Metrics
from .settings import Settings

log = get_logger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass
class Service:
    """One scheduler process: consumers, dispatcher timer, outbox relay, over one pool."""

    settings: Settings
    deps: Deps
    store: Store
    dispatcher: Dispatcher
    timer: DispatchTimer
    broker: KafkaBroker
    relay: OutboxRelay | None
    stop_event: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    dlq_producer: AIOKafkaProducer | None = None
    drainer: ReplanDrainer | None = None

    async def start(self) -> None:
        s = self.settings
        if s.migrate_on_start:
            await asyncio.to_thread(migrate, s.database_url, s.db_schema, MIGRATIONS)
        self.store.attach(await create_pool(s.database_url, s.db_schema, max_size=8))
        self.dlq_producer = AIOKafkaProducer(bootstrap_servers=s.kafka_bootstrap_servers, acks="all",
                                             enable_idempotence=True)
        await wait_for_kafka(s.kafka_bootstrap_servers)  # Kafka may come up after us: wait, do not exit
        await self.dlq_producer.start()
        _subscribe(self.broker, self.deps, s.group_id, DeadLetterPublisher(
            self.dlq_producer, "scheduler", cipher=cipher_for(s.deadletter_key, s.environment)))
        await self.broker.start()
        # FastStream's broker logger is plain text on stdout at INFO (one line per message callback) and is
        # (re)configured when the broker starts; keep only its warnings, our own logs are the JSON ones.
        logging.getLogger("faststream.access.kafka").setLevel(logging.WARNING)
        if self.relay is not None:
            self.tasks.append(asyncio.create_task(self.relay.run(self.stop_event)))
            retention = RetentionTimer.for_service(self.store.pool, self.deps.clock, s, purges(s))
            self.tasks.append(asyncio.create_task(retention.run(self.stop_event)))
        self.timer.start()
        if self.drainer is not None:
            self.drainer.start()
        self.tasks.append(asyncio.create_task(self._release_holds()))
        log.info("scheduler_started", schema=s.db_schema, group_id=s.group_id)

    async def _release_holds(self) -> None:
        """Release expired holds on every replica (SKIP LOCKED shares the work); a failure waits a turn."""
        every = self.settings.reschedule_sweep_interval.total_seconds()
        while not self.stop_event.is_set():
            try:
                await reschedule.release_expired(self.deps)
            except Exception:
                log.exception("hold_release_failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop_event.wait(), timeout=every)

    async def stop(self) -> None:
        self.stop_event.set()
        await bounded(self.timer.aclose(), "timer")
        if self.drainer is not None:
            await bounded(self.drainer.aclose(), "replan drainer")
        await bounded(self.broker.stop(), "broker")
        for task in self.tasks:
            await bounded(task, "task")
        if self.dlq_producer is not None:
            await bounded(self.dlq_producer.stop(), "dead-letter producer")
        await close_pool(self.store.pool)
        if self.deps.planner is not None:
            self.deps.planner.close()
        log.info("scheduler_stopped")


def _subscribe(broker: KafkaBroker, deps: Deps, group_id: str, dead_letters: DeadLetterPublisher) -> None:
    def bind(fn: object) -> Handler:
        async def handle(envelope: object) -> None:
            await fn(deps, envelope)  # type: ignore[operator]
        return handle

    def bind_batch(fn: object) -> BatchHandler:
        async def handle(envelopes: object) -> None:
            await fn(deps, envelopes)  # type: ignore[operator]
        return handle

    routes = {
        CLINICS: {"iop.clinic.upserted.v1": bind(ingest.clinic_upserted)},
        PATIENTS: {"iop.patient.upserted.v1": bind(ingest.patient_upserted)},
        SESSIONS: {"iop.session.cancelled.v1": bind(ingest.session_cancelled)},
        CHECKINS: {"iop.checkin.received.v1": bind(ingest.checkin_received)},
        SLOTS: {"iop.slot.upserted.v1": bind(reschedule.slot_upserted)},
        RESCHEDULES: {"iop.reschedule.chosen.v1": bind(reschedule.chosen)},
    }
    # A partition's consecutive session upserts are applied together (set-based, see session_batch).
    batches: dict[Topic, dict[str, BatchHandler]] = {SESSIONS: {"iop.session.upserted.v1": bind_batch(
        sessions_upserted)}}
    for topic, handlers in routes.items():
        # One group per topic: four consumers joining one group rebalance it again and again (10 s here).
        subscribe_events(broker, topic=topic, group_id=f"{group_id}.{topic.base_name}", handlers=handlers,
                         dead_letters=dead_letters, batch_handlers=batches.get(topic))


def bootstrap(settings: Settings, clock: Clock | None = None, *, relay: bool = True) -> Service:
    """Build the scheduler from settings; `start()` connects."""
    store = Store()
    metrics = Metrics()
    deps = Deps(store=store, clock=clock or SystemClock(), policy=settings.policy(), metrics=metrics,
                default_timezone=settings.default_timezone, fhir_program_id=settings.fhir_program_id,
                reschedule=RescheduleTimes(settings.reschedule_min_lead, settings.reschedule_offer_ttl,
                                           settings.reschedule_hold_ttl), experiments=tuple(settings.experiments),
                planner=PlannerPool(settings.planner_processes))
    dispatcher = Dispatcher(deps, batch_size=settings.dispatch_batch)
    timer = DispatchTimer(dispatcher, settings.sweep_interval, settings.dispatch_resolution, deps.clock)
    deps.nudge = timer.wake_at
    drainer = ReplanDrainer(deps)
    deps.replans_owed = drainer.wake
    broker = make_broker(settings.kafka_bootstrap_servers, client_id=f"iop-scheduler-{settings.db_schema}")
    outbox_relay = (OutboxRelay(settings.database_url, settings.db_schema, settings.kafka_bootstrap_servers,
                                batch_size=settings.dispatch_batch)
                    if relay else None)
    return Service(settings, deps, store, dispatcher, timer, broker, outbox_relay, drainer=drainer)
