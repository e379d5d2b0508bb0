"""Fixtures of the dashboard tests: private Kafka topics, settings per test, the app served in-process."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

from iop_dashboard.bootstrap import Service, bootstrap
from iop_dashboard.entrypoints.http import create_app
from iop_dashboard.settings import Settings
from iop_devkit.dashboard import free_port
from iop_devkit.testing.kafka import private_topics


@pytest.fixture(scope="session")
async def topic_copies(kafka_bootstrap: str) -> AsyncIterator[str]:
    """Private copies of every topic, so a fresh group does not replay the shared topics; deleted afterwards."""
    async with private_topics(kafka_bootstrap, f"dash-test-{uuid.uuid4().hex[:8]}.") as prefix:
        yield prefix


@pytest.fixture
def topics(topic_copies: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """This test names topics behind the private prefix (IOP_TOPIC_PREFIX); tests after it are untouched."""
    monkeypatch.setenv("IOP_TOPIC_PREFIX", topic_copies)
    return topic_copies


DEV_USERS = {
    "nurse-a": {"password": "pw-nurse-a-1", "clinics": ["clinic-a"], "name": "Nurse A"},
    "nurse-b": {"password": "pw-nurse-b-1", "clinics": ["clinic-b"], "name": "Nurse B"},
    "lead-ab": {"password": "pw-lead-ab-1", "clinics": ["clinic-a", "clinic-b"], "name": "Lead AB"},
    "nurse-1": {"password": "pw-nurse-1-1", "clinics": ["clinic-1"], "name": "Nurse One"},
}


@pytest.fixture
def settings(kafka_bootstrap: str, database_url: str, pg_schema: str, group_id: str, topics: str) -> Settings:
    return Settings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url,  # type: ignore[call-arg]
                    IOP_ENVIRONMENT="development", db_schema=pg_schema, group_id=group_id, timezone="UTC",
                    attendance_token="test-attendance-token", session_secret="test-session-secret-0123456789",
                    notifier_token="test-notifier-token", dev_users=json.loads(json.dumps(DEV_USERS)))


@dataclass
class Running:
    """The dashboard served by uvicorn in this process, and an HTTP client for it."""

    service: Service
    url: str
    http: httpx.AsyncClient


@pytest.fixture
def serve() -> Callable[..., AbstractAsyncContextManager[Running]]:
    """Start the app (service lifespan included) on a free port; stop it on exit."""

    @asynccontextmanager
    async def start(settings: Settings, **options: object) -> AsyncIterator[Running]:
        service = bootstrap(settings, **options)  # type: ignore[arg-type]
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(create_app(service), host="127.0.0.1", port=port, log_config=None,
                                               access_log=False, timeout_graceful_shutdown=2))
        task = asyncio.create_task(server.serve())
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.05)
        url = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=url, timeout=10) as http:
            try:
                yield Running(service, url, http)
            finally:
                server.should_exit = True
                await asyncio.wait_for(task, timeout=15)

    return start
