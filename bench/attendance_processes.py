"""The attendance benchmark's processes: the clinic's load generator and the service replicas (bench helper).

Separate processes, as deployed: the load generator is not part of the service, and each replica has its own
interpreter. They talk to the benchmark through pipes and shared memory (the clock, the applied counters).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import resource
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import Synchronized, SynchronizedArray
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import DefaultPartitioner

from iop_attendance import metrics
from iop_attendance.bootstrap import bootstrap
from iop_attendance.handlers import events as event_handlers
from iop_attendance.handlers import timers as timer_handlers
from iop_attendance.settings import Settings
from iop_devkit.attendance import attendance_recorded, envelope, patient_upserted, session_upserted
from iop_shared.contracts import Contract, Envelope, decode, encode, headers_to_dict
from iop_shared.contracts.inbound import AttendanceStatus
from iop_shared.contracts.topics import ATTENDANCE

START = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)  # a Monday
DAYS = (0, 2, 4)
COUNTED = ("iop.session.upserted.v1", "iop.attendance.recorded.v1")
EVAL_MS: list[float] = []
Record = tuple[bytes, bytes, list[tuple[str, bytes]]]  # key, value, headers


def timed(fn: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await fn(*args, **kwargs)
        finally:
            EVAL_MS.append((time.perf_counter() - started) * 1000)
    return wrapper


class Clinic:
    """The deterministic load: patients in groups of `group_size`, three group sessions a week."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.rng = random.Random(args.seed)
        patients = [f"bp{i}" for i in range(args.patients)]
        self.reliability = {p: self.rng.choice([0.95] * 6 + [0.8] * 3 + [0.45]) for p in patients}
        self.groups = [patients[i:i + args.group_size] for i in range(0, len(patients), args.group_size)]
        self.weeks = args.weeks

    def sessions(self, week: int) -> Iterator[tuple[int, str, datetime]]:
        for g in range(len(self.groups)):
            for day in DAYS:
                yield g, f"bs{g}-{week}-{day}", START + timedelta(weeks=week, days=day)

    def setup(self) -> Iterator[Envelope[Contract]]:
        for members in self.groups:
            for p in members:
                yield envelope(patient_upserted(p))
        for week in range(self.weeks):
            for g, sid, at in self.sessions(week):
                yield envelope(session_upserted(sid, self.groups[g], at, program_id=f"prog{g % 20}"))

    def records(self, week: int) -> Iterator[Record]:
        """Every visit's record of the week, five minutes after its start (call the weeks in order).

        Encoded by hand: the clinic's systems are not what is measured, and through the contract models the
        generator took a quarter of this 2-core machine. The first record is checked against the contract.
        """
        sent_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ").encode()
        checked = False
        for g, sid, at in self.sessions(week):
            recorded_at = at + timedelta(minutes=5)
            for p in self.groups[g]:
                status = self.status(p)
                value = (f'{{"session_id":"{sid}","patient_id":"{p}","status":"{status.value}",'
                         f'"recorded_at":"{recorded_at:%Y-%m-%dT%H:%M:%SZ}","source":"staff"}}').encode()
                headers = [("ce_specversion", b"1.0"), ("ce_id", str(uuid.uuid4()).encode()),
                           ("ce_type", b"iop.attendance.recorded.v1"), ("ce_source", b"/clinics/clinic-1/bench"),
                           ("ce_time", sent_at), ("content-type", b"application/json")]
                if not checked:
                    assert decode(headers_to_dict(headers), value).data == attendance_recorded(sid, p, status,
                                                                                              recorded_at)
                    checked = True
                yield p.encode(), value, headers

    def status(self, patient_id: str) -> AttendanceStatus:
        if self.rng.random() < self.reliability[patient_id]:
            return self.rng.choices([AttendanceStatus.present, AttendanceStatus.late, AttendanceStatus.left_early],
                                    [85, 10, 5])[0]
        return AttendanceStatus.excused if self.rng.random() < 0.1 else AttendanceStatus.absent


def generator(conn: Connection, args: argparse.Namespace, bootstrap_servers: str) -> None:
    """The load generator process: publishes the setup, then a week of records per request; replies with counts."""
    asyncio.run(_generate(conn, args, bootstrap_servers))


async def _generate(conn: Connection, args: argparse.Namespace, bootstrap_servers: str) -> None:
    clinic = Clinic(args)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, linger_ms=20, max_batch_size=512 * 1024,
                                acks="all", enable_idempotence=True)
    await producer.start()
    loop = asyncio.get_running_loop()
    try:
        while (week := await loop.run_in_executor(None, conn.recv)) is not None:
            started = time.monotonic()
            if week == "setup":
                count = await send_all(producer, (encode(e) for e in clinic.setup()))
            else:
                count = await send_batches(producer, ATTENDANCE.name, ATTENDANCE.partitions, clinic.records(week))
            conn.send((count, time.monotonic() - started))
    finally:
        await producer.stop()


async def send_all(producer: AIOKafkaProducer, records: Iterable[Any]) -> int:
    futures = [await producer.send(r.topic, r.value, key=r.key, headers=r.headers) for r in records]
    await asyncio.gather(*futures)
    return len(futures)


async def send_batches(producer: AIOKafkaProducer, topic: str, partitions: int, records: Iterable[Record]) -> int:
    """Records into per-partition batches, keyed as the producer's default partitioner would place them."""
    place = DefaultPartitioner()
    every = list(range(partitions))
    open_batches: dict[int, Any] = {}
    futures = []
    count = 0
    for key, value, headers in records:
        partition = place(key, every, every)
        batch = open_batches.get(partition) or producer.create_batch()
        if batch.append(key=key, value=value, timestamp=None, headers=headers) is None:  # full
            futures.append(await producer.send_batch(batch, topic, partition=partition))
            batch = producer.create_batch()
            batch.append(key=key, value=value, timestamp=None, headers=headers)
        open_batches[partition] = batch
        count += 1
    futures += [await producer.send_batch(b, topic, partition=p) for p, b in open_batches.items()]
    await asyncio.gather(*futures)
    return count


class SharedClock:
    """The bench's clock, moved by the main process and read by every replica process."""

    def __init__(self, epoch: Synchronized[float]) -> None:
        self.epoch = epoch

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.epoch.value, UTC)

    def set(self, at: datetime) -> None:
        self.epoch.value = at.timestamp()


def replica(conn: Connection, settings: Settings, epoch: Synchronized[float], applied: SynchronizedArray[int]) -> None:
    """One attendance service process: mirrors its applied counters into `applied` until told to stop."""
    asyncio.run(_replica(conn, settings, SharedClock(epoch), applied))


async def _replica(conn: Connection, settings: Settings, clock: SharedClock, applied: SynchronizedArray[int]) -> None:
    for module in (event_handlers, timer_handlers):  # time each evaluation where it is called
        setattr(module, "evaluate_patients", timed(getattr(module, "evaluate_patients")))  # noqa: B009, B010
    service = bootstrap(settings, clock, timers=False)
    counters = [metrics.EVENTS_APPLIED.labels(t) for t in COUNTED]
    await service.start()
    conn.send("ready")
    try:
        while True:
            if conn.poll():
                if conn.recv() == "stop":
                    break
                EVAL_MS.clear()  # "reset": the measured part begins
            for i, counter in enumerate(counters):
                applied[i] = int(counter._value.get())
            await asyncio.sleep(0.02)
    finally:
        await service.stop()
        conn.send((EVAL_MS, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


class Replicas:
    """The service as `count` processes on the same schema and consumer groups: Kafka spreads the partitions."""

    def __init__(self, count: int, settings: Settings, clock: SharedClock) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.applied = [ctx.Array("q", len(COUNTED)) for _ in range(count)]
        self.pipes = [ctx.Pipe() for _ in range(count)]
        self.procs = [ctx.Process(target=replica, args=(
            child, settings if i == 0 else settings.model_copy(update={"run_migrations": False}), clock.epoch,
            self.applied[i])) for i, (_, child) in enumerate(self.pipes)]

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        for proc, (mine, _) in zip(self.procs, self.pipes, strict=True):  # the first one migrates the schema
            proc.start()
            await loop.run_in_executor(None, mine.recv)

    def count(self, ce_type: str) -> int:
        return sum(a[COUNTED.index(ce_type)] for a in self.applied)

    async def wait(self, ce_type: str, target: int, timeout: float = 7200) -> None:
        deadline = time.monotonic() + timeout
        while self.count(ce_type) < target:
            if time.monotonic() > deadline or not all(p.is_alive() for p in self.procs):
                raise TimeoutError(f"applied {self.count(ce_type)} of {target}")
            await asyncio.sleep(0.05)

    def reset_timings(self) -> None:
        for mine, _ in self.pipes:
            mine.send("reset")

    async def stop(self) -> tuple[list[float], float]:
        """Stop every replica; their evaluation timings and the largest peak RSS."""
        loop = asyncio.get_running_loop()
        timings: list[float] = []
        peak = 0.0
        for proc, (mine, _) in zip(self.procs, self.pipes, strict=True):
            if proc.is_alive():
                mine.send("stop")
                evals, rss = await loop.run_in_executor(None, mine.recv)
                timings += evals
                peak = max(peak, rss)
            proc.join(timeout=30)
        return timings, peak
