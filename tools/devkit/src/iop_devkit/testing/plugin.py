"""Pytest fixtures: real Kafka and PostgreSQL for integration and end-to-end tests, isolated per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from fnmatch import fnmatch

import asyncpg
import pytest

from .infra import Infra, acquire
from .private_pg import PrivatePostgres

# IOP_ENVIRONMENT has no default; tests (and the processes they start) run as development unless they say otherwise.
os.environ.setdefault("IOP_ENVIRONMENT", "development")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("serial_files", "test files (globs from the root) whose tests carry the `serial` marker",
                  type="linelist", default=[])


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects, so `-m serial` and `-m "not serial"` see the marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests of `serial_files`: `./dev test` runs them alone, after the parallel lane."""
    patterns = config.getini("serial_files")
    for item in items:
        try:
            path = item.path.relative_to(config.rootpath).as_posix()
        except ValueError:
            continue
        if any(fnmatch(path, pattern) for pattern in patterns):
            item.add_marker(pytest.mark.serial)
    if os.environ.get("PYTEST_XDIST_WORKER"):
        _longest_first(items)


_TIER_RANK = {"e2e": 0, "integration": 1}


def _longest_first(items: list[pytest.Item]) -> None:
    """Files of the slow tiers first (e2e, then integration), each file's tests kept together and in order.

    xdist hands out files in this order (with --no-loadscope-reorder): a minutes-long e2e file started last
    leaves the other worker idle at the end.
    """
    rank: dict[object, int] = {}
    for item in items:
        tier = min((_TIER_RANK.get(m.name, 2) for m in item.iter_markers()), default=2)
        rank[item.path] = min(rank.get(item.path, 2), tier)
    items.sort(key=lambda item: rank[item.path])


@pytest.fixture(scope="session")
def infra() -> Iterator[Infra]:
    found = acquire()
    yield found
    found.close()


@pytest.fixture(scope="session")
def kafka_bootstrap(infra: Infra) -> str:
    """The bootstrap address of a real Kafka broker with the v1 topics provisioned."""
    return infra.kafka_bootstrap


@pytest.fixture(scope="session")
def database_url(infra: Infra) -> str:
    """The URL of a real PostgreSQL database."""
    return infra.database_url


@asynccontextmanager
async def fresh_schema(database_url: str) -> AsyncIterator[str]:
    """A fresh, empty schema name; the schema is dropped on exit."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    try:
        yield name
    finally:
        conn = await asyncpg.connect(database_url)
        try:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        finally:
            await conn.close()


@pytest.fixture
async def pg_schema(database_url: str) -> AsyncIterator[str]:
    """A fresh, empty schema name for one test; dropped afterwards."""
    async with fresh_schema(database_url) as name:
        yield name


@pytest.fixture
def group_id() -> str:
    """A consumer group of this test alone."""
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def private_postgres() -> Iterator[PrivatePostgres]:
    """A PostgreSQL of this test session alone, on its own port, that tests may restart or kill."""
    server = PrivatePostgres()
    server.start()
    yield server
    server.stop()
