"""Find Kafka and PostgreSQL for tests: environment first, then Docker (testcontainers), then the local stack."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field

from ..devstack import cli as devstack
from ..devstack.config import load


@dataclass
class Infra:
    kafka_bootstrap: str
    database_url: str
    stops: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        for stop in reversed(self.stops):
            stop()


def _docker_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=5).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _from_containers() -> Infra:
    from testcontainers.community.kafka import KafkaContainer
    from testcontainers.community.postgres import PostgresContainer

    kafka = KafkaContainer().with_kraft()
    kafka.start()
    # A password production's checks accept: the production-start test runs the services against this database.
    pg = PostgresContainer("postgres:17", driver=None, password="iop-Test-Pw-7Hn3Kq9L")  # noqa: S106
    pg.start()
    return Infra(kafka.get_bootstrap_server(), pg.get_connection_url(), [kafka.stop, pg.stop])


def acquire() -> Infra:
    """Kafka and PostgreSQL addresses for this test session; starts what is needed."""
    kafka = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    db = os.environ.get("DATABASE_URL")
    if kafka and db:
        return Infra(kafka, db)
    if _docker_answers():
        return _from_containers()
    cfg = load()
    devstack.bring_up(cfg)
    return Infra(kafka or cfg.kafka_bootstrap, db or cfg.database_url)
