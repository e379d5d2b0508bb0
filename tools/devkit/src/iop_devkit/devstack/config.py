"""Where the local stack lives and which ports it uses; every value can be overridden by environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from iop_shared.deadletter_crypto import local_state_home

KAFKA_VERSION = "4.1.1"
LOG4J_VERSION = "2.25.3"


@dataclass(frozen=True)
class StackConfig:
    home: Path
    kafka_port: int
    controller_port: int
    pg_port: int
    database: str
    pg_shared_buffers: str = "1GB"
    pg_durable: bool = False

    @property
    def kafka_bootstrap(self) -> str:
        return f"127.0.0.1:{self.kafka_port}"

    @property
    def database_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.pg_port}/{self.database}"

    @property
    def kafka_libs(self) -> Path:
        cache = Path(os.environ.get("IOP_CACHE_DIR", Path.home() / ".cache" / "iop-devstack"))
        return cache / f"kafka-{KAFKA_VERSION}" / "libs"


def load() -> StackConfig:
    return StackConfig(
        home=local_state_home(),
        kafka_port=int(os.environ.get("IOP_KAFKA_PORT", "19092")),
        controller_port=int(os.environ.get("IOP_KAFKA_CONTROLLER_PORT", "19093")),
        pg_port=int(os.environ.get("IOP_PG_PORT", "15432")),
        database=os.environ.get("IOP_PG_DATABASE", "iop"),
        pg_shared_buffers=os.environ.get("IOP_PG_SHARED_BUFFERS", "1GB"),
        pg_durable=os.environ.get("IOP_PG_DURABLE", "0").lower() in {"1", "true", "yes", "on"},
    )
