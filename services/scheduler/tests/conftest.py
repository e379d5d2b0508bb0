"""Scheduler test fixtures: a private set of Kafka topics per test run, and running scheduler services."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from iop_devkit.scheduler import make_settings, open_store
from iop_devkit.testing.kafka import private_topics as topic_copies
from iop_scheduler.bootstrap import Service, bootstrap


@pytest.fixture(scope="session")
def topics_bootstrap(request: pytest.FixtureRequest) -> str | None:
    """Kafka only when a non-unit test runs (resolved outside the event loop: acquiring may start the stack)."""
    if all(item.get_closest_marker("unit") for item in request.session.items):
        return None
    return str(request.getfixturevalue("kafka_bootstrap"))


@pytest.fixture(scope="session")
async def private_topics(topics_bootstrap: str | None) -> AsyncIterator[str | None]:
    """Integration and e2e tests get their own topics, deleted afterwards."""
    if topics_bootstrap is None:
        yield None
        return
    async with topic_copies(topics_bootstrap, f"schedtest{uuid.uuid4().hex[:8]}.") as prefix:
        yield prefix


@pytest.fixture(autouse=True)
def _private_topic_names(private_topics: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every scheduler test names topics behind the private prefix (IOP_TOPIC_PREFIX); other suites are untouched."""
    if private_topics is not None:
        monkeypatch.setenv("IOP_TOPIC_PREFIX", private_topics)


ServiceFactory = Callable[..., Awaitable[Service]]


@pytest.fixture
async def make_service(database_url: str, kafka_bootstrap: str, pg_schema: str,
                       group_id: str) -> AsyncIterator[ServiceFactory]:
    """Start scheduler services on this test's schema (and group); all are stopped afterwards."""
    started: list[Service] = []

    async def factory(*, kafka: bool = True, clock: Any = None, **overrides: Any) -> Service:
        settings = make_settings(database_url, kafka_bootstrap, pg_schema, group_id, **overrides)
        service = bootstrap(settings, clock=clock)
        if kafka:
            await service.start()
        else:
            await open_store(service)
        started.append(service)
        return service

    yield factory
    for service in reversed(started):
        await service.stop()
