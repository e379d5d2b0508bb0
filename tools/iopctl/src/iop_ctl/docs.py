"""The published contracts of every service: AsyncAPI (Kafka side) and OpenAPI (HTTP side), as JSON files."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from aiokafka import AIOKafkaProducer

from iop_shared.asyncapi import document
from iop_shared.consumer import DeadLetterPublisher
from iop_shared.kafka import make_broker

DOCS_DIR = Path("docs/api")
VERSION = "1.0.0"
_NO_PRODUCER = DeadLetterPublisher(cast(AIOKafkaProducer, None), "docs")  # registration never publishes


def _scheduler() -> tuple[dict[str, Any], dict[str, Any]]:
    from iop_scheduler.bootstrap import _subscribe, bootstrap
    from iop_scheduler.entrypoints.http import create_app
    from iop_scheduler.settings import Settings

    service = bootstrap(Settings())
    _subscribe(service.broker, service.deps, "iop-scheduler", _NO_PRODUCER)
    spec = document(service.broker, title="IOP scheduler", version=VERSION,
                    description="Consumes clinics, patients, sessions and check-ins; plans and dispatches reminders.",
                    publishes=["iop.reminder.due.v1", "iop.reminder.dropped.v1", "iop.session.upserted.v1",
                               "iop.session.cancelled.v1",
                               "iop.patient.upserted.v1", "iop.attendance.recorded.v1", "iop.slot.upserted.v1",
                               "iop.reschedule.offered.v1", "iop.reschedule.requested.v1",
                               "iop.reschedule.closed.v1", "iop.waitlist.offered.v1"])
    return spec, create_app(service).openapi()


def _notifier() -> tuple[dict[str, Any], dict[str, Any]]:
    from iop_notifier.entrypoints.consumers import subscribe_all
    from iop_notifier.entrypoints.http import create_app

    broker = make_broker("127.0.0.1:19092", "iop-notifier")
    subscribe_all(broker, cast(Any, None), _NO_PRODUCER, "iop-notifier")
    spec = document(broker, title="IOP notifier", version=VERSION,
                    description="Sends reminders and alerts by SMS and email; turns replies into check-ins.",
                    publishes=["iop.notification.sent.v1", "iop.notification.delivered.v1",
                               "iop.notification.failed.v1", "iop.notification.suppressed.v1",
                               "iop.checkin.received.v1", "iop.assessment.completed.v1", "iop.risk.acknowledged.v1",
                               "iop.reschedule.chosen.v1"])
    return spec, create_app().openapi()


def _attendance() -> tuple[dict[str, Any], dict[str, Any]]:
    from iop_attendance.bootstrap import bootstrap
    from iop_attendance.entrypoints.consumers import subscribe
    from iop_attendance.entrypoints.http import create_app
    from iop_attendance.settings import Settings

    broker = make_broker("127.0.0.1:19092", "iop-attendance")
    subscribe(broker, cast(Any, None), "iop-attendance", _NO_PRODUCER, Settings().consumer_batch_size)
    spec = document(broker, title="IOP attendance", version=VERSION,
                    description="Detects missed visits and raises relapse-risk flags from rules that are data.",
                    publishes=["iop.visit.missed.v1", "iop.visit.missed_retracted.v1", "iop.risk.flagged.v1",
                               "iop.risk.acknowledged.v1", "iop.risk.resolved.v1", "iop.attendance.recorded.v1"])
    return spec, create_app(bootstrap(Settings(), kafka=False)).openapi()


def _dashboard() -> tuple[dict[str, Any], dict[str, Any]]:
    from iop_dashboard.bootstrap import bootstrap
    from iop_dashboard.entrypoints.consumers import subscribe
    from iop_dashboard.entrypoints.http import create_app
    from iop_dashboard.settings import Settings

    broker = make_broker("127.0.0.1:19092", "iop-dashboard")
    subscribe(broker, cast(Any, None), "iop-dashboard", _NO_PRODUCER)
    spec = document(broker, title="IOP operations dashboard", version=VERSION,
                    description="Projects sessions, attendance, visits, risk and notifications for operations.",
                    publishes=[])
    return spec, create_app(bootstrap(Settings(), kafka=False, timers=False)).openapi()


SERVICES: dict[str, Callable[[], tuple[dict[str, Any], dict[str, Any]]]] = {
    "scheduler": _scheduler, "notifier": _notifier, "attendance": _attendance, "dashboard": _dashboard,
}


def render() -> dict[str, str]:
    """File name -> JSON text of every service's AsyncAPI and OpenAPI document."""
    files = {}
    for name, build in SERVICES.items():
        with _canonical_topic_names():
            asyncapi, openapi = build()
        files[f"{name}.asyncapi.json"] = json.dumps(asyncapi, indent=2, sort_keys=True) + "\n"
        files[f"{name}.openapi.json"] = json.dumps(openapi, indent=2, sort_keys=True) + "\n"
    return files


@contextmanager
def _canonical_topic_names() -> Iterator[None]:
    """The documents name the v1 topics, whatever IOP_TOPIC_PREFIX this process runs with.

    They describe the development build (every route, the embedded channel's included), whatever
    IOP_ENVIRONMENT this process runs with.
    """
    saved = {name: os.environ.pop(name, None) for name in ("IOP_TOPIC_PREFIX", "IOP_ENVIRONMENT")}
    os.environ["IOP_ENVIRONMENT"] = "development"
    try:
        yield
    finally:
        os.environ.pop("IOP_ENVIRONMENT", None)
        os.environ.update({name: value for name, value in saved.items() if value is not None})


def stale(directory: Path) -> list[str]:
    """Documents that differ from what the code says, are missing, or are left over."""
    wanted = render()
    present = {p.name for p in directory.glob("*.json")} if directory.is_dir() else set()
    differ = [n for n, text in wanted.items() if not (directory / n).exists() or (directory / n).read_text() != text]
    return sorted(differ + list(present - set(wanted)))


def write(directory: Path) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    files = render()
    for old in directory.glob("*.json"):
        old.unlink()
    for name, text in files.items():
        (directory / name).write_text(text)
    return len(files)
