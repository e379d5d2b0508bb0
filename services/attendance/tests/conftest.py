"""Fixtures shared by the attendance tests: the rule set, private Kafka topics, a running service."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import asyncpg
import httpx
import pytest

from iop_attendance.bootstrap import Service, bootstrap
from iop_attendance.domain.ruleset import RuleSet, load
from iop_attendance.entrypoints.http import create_app
from iop_attendance.settings import Settings
from iop_devkit.testing.kafka import private_topics


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    """The default rule set shipped in the package."""
    return load()


CLINIC_1 = {"Authorization": "Bearer token-clinic-1"}  # the tokens make_settings gives clinic-1 and clinic-2
CLINIC_2 = {"Authorization": "Bearer token-clinic-2"}
PREFIX = f"att-test-{uuid.uuid4().hex[:8]}."


@pytest.fixture(autouse=True)
def _private_topic_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every attendance test names topics behind this run's private prefix; other suites are untouched."""
    monkeypatch.setenv("IOP_TOPIC_PREFIX", PREFIX)


@pytest.fixture(scope="session")
async def topics(kafka_bootstrap: str) -> AsyncIterator[str]:
    """Private copies of every topic for this test run (IOP_TOPIC_PREFIX), deleted afterwards.

    A fresh consumer group reads from the earliest offset, so on the shared topics each test would replay
    every other engineer's events; private topics keep the tests fast and independent.
    """
    async with private_topics(kafka_bootstrap, PREFIX) as prefix:
        yield prefix


def make_settings(kafka_bootstrap: str, database_url: str, schema: str, group_id: str, **extra: object) -> Settings:
    values: dict[str, object] = {
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "DATABASE_URL": database_url, "db_schema": schema,
        "group_id": group_id, "missed_grace": timedelta(seconds=2), "sweep_interval": timedelta(seconds=5),
        "late_session_settle": timedelta(seconds=1),
        "api_tokens": {"clinic-1": "token-clinic-1", "clinic-2": "token-clinic-2"}, "IOP_ENVIRONMENT": "development",
    }
    values.update(extra)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings(kafka_bootstrap: str, database_url: str, pg_schema: str, group_id: str, topics: str) -> Settings:
    return make_settings(kafka_bootstrap, database_url, pg_schema, group_id)


@pytest.fixture
async def service(settings: Settings) -> AsyncIterator[Service]:
    """The whole service in this process: consumers, outbox relay and timers over real Kafka and PostgreSQL."""
    svc = bootstrap(settings)
    await svc.start()
    yield svc
    await svc.stop()


@pytest.fixture
async def db(database_url: str, pg_schema: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection on the test's schema, to look at state."""
    conn = await asyncpg.connect(database_url, server_settings={"search_path": pg_schema})
    yield conn
    await conn.close()


@pytest.fixture
async def client(service: Service) -> AsyncIterator[httpx.AsyncClient]:
    """The service's HTTP app in process; the service is already started by its fixture, so no lifespan here."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(service)),
                                 base_url="http://attendance") as c:
        yield c
