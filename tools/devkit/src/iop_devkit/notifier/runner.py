"""Runs the whole notifier app (uvicorn + lifespan) inside the current event loop, for tests and the benchmark."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import uvicorn

from iop_notifier.bootstrap import Notifier
from iop_notifier.entrypoints.http import create_app
from iop_notifier.handlers.deps import Deps
from iop_notifier.settings import Settings
from iop_shared.clock import Clock


@dataclass
class Running:
    base_url: str
    settings: Settings
    notifier: Notifier

    @property
    def deps(self) -> Deps:
        assert self.notifier.deps is not None
        return self.notifier.deps


@asynccontextmanager
async def run_notifier(settings: Settings, clock: Clock | None = None) -> AsyncIterator[Running]:
    app = create_app(settings, clock)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=settings.http_port, log_config=None,
                                           access_log=False, lifespan="on"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
            raise RuntimeError("notifier did not start")
        await asyncio.sleep(0.05)
    try:
        yield Running(f"http://127.0.0.1:{settings.http_port}", settings, app.state.notifier)
    finally:
        server.should_exit = True
        await task
