"""The chaos run: infrastructure, fake, fleet, the clinic's events, the fault schedule, the counts."""

from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.notifier.twilio_faults import FaultSchedule
from iop_devkit.testing.kafka import private_topics
from iop_shared.db import pg_durable

from . import clinic
from .fleet import Fleet
from .infra import Infra
from .ledger import Ledger
from .tally import Tally, count, settled

# When each fault strikes, as a share of the window in which reminders fall due.
SCHEDULE: tuple[tuple[float, str], ...] = (
    (0.10, "sigkill:scheduler-0"), (0.22, "sigkill:notifier-0"), (0.34, "restart:kafka"),
    (0.48, "sigkill:attendance-0"), (0.58, "restart:postgres"), (0.70, "sigkill:scheduler-1"),
    (0.82, "sigkill:notifier-1"))


@dataclass
class Config:
    patients: int = 10_000
    spread_s: float = 150.0  # reminders fall due over this window
    lead_s: float = 25.0  # from publishing the sessions to the first due reminder
    # Reminder before the session. Time is compressed (24 h becomes this), so a backlog on a loaded machine must
    # not turn lateness into expiry: an hour keeps every late reminder useful; lateness is reported apart.
    offset_s: int = 3600
    fault_every: int = 50  # every k-th Twilio create answers with a fault
    settle_s: float = 120.0  # after the window, how long outcomes may still arrive
    logs: Path = field(default_factory=lambda: Path("/tmp") / f"iop-chaos-{uuid.uuid4().hex[:8]}")


@dataclass
class Result:
    tally: Tally
    faults: list[str]
    fake_faults: dict[str, int]
    pg_durable: bool
    seconds: float
    logs: Path

    def line(self) -> dict[str, Any]:
        """The issue's final JSON object."""
        return {"bench": "chaos", **self.tally.summary(), "faults": self.faults, "pg_durable": self.pg_durable}


async def run(cfg: Config, say: Callable[[str], None] = print) -> Result:
    # The run's own reader retries through the broker restart; its connection errors are expected noise.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)  # the fake's dropped connections, on purpose
    started = time.monotonic()
    cfg.logs.mkdir(parents=True, exist_ok=True)
    infra = Infra()
    saved = os.environ.get("IOP_TOPIC_PREFIX")
    try:
        await infra.start()
        durable = await pg_durable(infra.pg.url)
        say(f"private kafka {infra.kafka.bootstrap}, private postgres port {infra.pg.cfg.pg_port} durable={durable}")
        async with private_topics(infra.kafka.bootstrap, f"chaos{uuid.uuid4().hex[:8]}.") as topics:
            os.environ["IOP_TOPIC_PREFIX"] = topics
            tally, faults, fake = await _with_services(cfg, infra, topics, say)
    finally:
        if saved is None:
            os.environ.pop("IOP_TOPIC_PREFIX", None)
        else:
            os.environ["IOP_TOPIC_PREFIX"] = saved
        infra.close()
    return Result(tally, faults, dict(fake.injected), durable, time.monotonic() - started, cfg.logs)


async def _with_services(cfg: Config, infra: Infra, topics: str,
                         say: Callable[[str], None]) -> tuple[Tally, list[str], FaultSchedule]:
    clinic_id, phones = clinic.roster(cfg.patients)
    schedule = FaultSchedule(every=cfg.fault_every, unsubscribed={next(iter(phones.values()))})
    async with TwilioFake() as twilio:
        twilio.hang_s = 4.0  # beyond the notifier's 2 s provider deadline
        twilio.fault = schedule
        base_env = {k: v for k, v in os.environ.items() if not k.startswith(("SCHEDULER_", "NOTIFIER_", "ATTENDANCE_"))}
        fleet = Fleet.build(infra.kafka.bootstrap, infra.pg.url, topics, cfg.logs, twilio, cfg.offset_s, base_env)
        ledger = Ledger(infra.kafka.bootstrap)
        try:
            await fleet.start()
            say(f"services up: {', '.join(fleet.replicas)}")
            await ledger.start()
            await clinic.publish_all(infra.kafka.bootstrap, clinic.upserts(clinic_id, phones))
            await _enrolled(fleet, cfg.patients, say)  # patients before their sessions, as a clinic enrols first
            first_due = clinic.now() + timedelta(seconds=cfg.lead_s)
            booked = clinic.sessions(clinic_id, list(phones), first_due, timedelta(seconds=cfg.spread_s),
                                     timedelta(seconds=cfg.offset_s))
            due = clinic.due_times(booked, timedelta(seconds=cfg.offset_s))
            await clinic.publish_all(infra.kafka.bootstrap, booked)
            say(f"published {cfg.patients} patients, first reminder due in {cfg.lead_s:.0f}s, "
                f"spread over {cfg.spread_s:.0f}s")
            faults = await _faults(cfg, fleet, infra, ledger, phones, say)
            await _settle(cfg, ledger, phones, say)
        finally:
            fleet.stop()
            await ledger.stop()
        schedule.active = False
        tally = count(phones, ledger, twilio.messages, due)
    faults += [f"twilio:{name}x{n}" for name, n in sorted(schedule.injected.items())]
    return tally, faults, schedule


async def _faults(cfg: Config, fleet: Fleet, infra: Infra, ledger: Ledger, phones: dict[str, str],
                  say: Callable[[str], None]) -> list[str]:
    """Strike each fault at its time (recoveries may overlap), reading the topics meanwhile; when each struck."""
    t0 = time.monotonic() + cfg.lead_s
    actions: dict[str, Callable[[], Awaitable[None]]] = {
        "restart:kafka": infra.restart_kafka, "restart:postgres": infra.restart_pg}
    done: list[str] = []

    async def strike(fault: str, at: float) -> None:
        kind, target = fault.split(":")
        await (actions[fault]() if kind == "restart" else fleet.kill_and_restart(target))
        say(f"fault {fault} at {at:.0f}s, recovered after {time.monotonic() - t0 - at:.1f}s; "
            f"{settled(phones, ledger)} of {len(phones)} reminders settled")

    tasks = []
    for share, fault in SCHEDULE:
        while time.monotonic() < t0 + share * cfg.spread_s:
            await ledger.poll()
            await asyncio.sleep(0.5)
        at = time.monotonic() - t0
        tasks.append(asyncio.create_task(strike(fault, at)))
        done.append(f"{fault}@{at:.0f}s")
    while not all(t.done() for t in tasks):
        await ledger.poll()
        await asyncio.sleep(0.5)
    for task in tasks:
        task.result()  # a service that did not come back fails the run
    return done


async def _enrolled(fleet: Fleet, n: int, say: Callable[[str], None]) -> None:
    """Wait until both the scheduler and the notifier know every patient (ingest speed is not what this tests)."""
    began = time.monotonic()
    while (known := await fleet.known_patients()) != {"scheduler": n, "notifier": n}:
        if time.monotonic() - began > 600:
            raise RuntimeError(f"patients not ingested in 600s: {known}")
        await asyncio.sleep(1)
    say(f"{n} patients enrolled in {time.monotonic() - began:.0f}s")


async def _settle(cfg: Config, ledger: Ledger, phones: dict[str, str], say: Callable[[str], None]) -> None:
    """Read until every reminder has an outcome, or nothing new arrived for a while, or the settle time is over."""
    deadline = time.monotonic() + cfg.spread_s * 0.2 + cfg.settle_s
    last, quiet_since = -1, time.monotonic()
    while time.monotonic() < deadline:
        await ledger.poll()
        now_settled = settled(phones, ledger)
        if now_settled >= len(phones):
            break
        if now_settled != last:
            last, quiet_since = now_settled, time.monotonic()
        elif time.monotonic() - quiet_since > 60:
            say(f"no progress for 60s at {now_settled} of {len(phones)}")
            break
        await asyncio.sleep(1.0)
    await asyncio.sleep(3)  # a duplicate or late event would arrive now
    await ledger.poll()
