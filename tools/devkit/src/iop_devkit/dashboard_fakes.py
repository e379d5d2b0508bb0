"""A notifier's concern API served over real HTTP, for the dashboard's tests (the interface the notifier serves)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .dashboard import free_port

TEXT = "idk about all this, my sister keeps asking about the thing"


@dataclass
class FakeNotifier:
    """Concerns it knows (id -> (patient, clinic, received_at)) and every request it got."""

    known: dict[str, tuple[str, str, datetime]] = field(default_factory=dict)
    seen: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    token: str = "test-notifier-token"  # noqa: S105 - a test fixture's token

    async def open(self, request: Request) -> JSONResponse:
        concern_id = request.path_params["concern_id"]
        body = json.loads(await request.body())
        self.seen.append((concern_id, request.headers.get("authorization", ""), body))
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return JSONResponse({"detail": "unauthorized"}, status_code=401)
        found = self.known.get(concern_id)
        if found is None or found[1] != body.get("clinic_id"):
            return JSONResponse({"detail": "no such concern"}, status_code=404)
        return JSONResponse({"concern_id": concern_id, "patient_id": found[0], "clinic_id": found[1],
                             "received_at": found[2].isoformat(), "text": TEXT,
                             "opened_at": datetime.now(UTC).isoformat(), "opened_by": body["by"]})


@asynccontextmanager
async def notifier_server(fake: FakeNotifier) -> AsyncIterator[str]:
    app = Starlette(routes=[Route("/v1/concerns/{concern_id}/open", fake.open, methods=["POST"])])
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=10)
