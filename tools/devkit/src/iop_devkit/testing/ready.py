"""Whether a service process answers its readiness route, for tests and benches that start real processes."""

from __future__ import annotations

import httpx

from iop_devkit.testing.kafka import eventually


async def answers_ready(http: httpx.AsyncClient, base: str) -> bool:
    """Whether GET {base}/readyz answers 200 now; a process not listening yet is a no, not an error."""
    try:
        return (await http.get(f"{base}/readyz")).status_code == 200
    except httpx.TransportError:
        return False


async def until_ready(base: str, *, timeout: float = 40, interval: float = 0.3) -> None:
    """Until GET {base}/readyz answers 200 (fails after `timeout` seconds)."""
    async with httpx.AsyncClient() as http:
        async def ready() -> bool:
            return await answers_ready(http, base)
        await eventually(ready, timeout=timeout, interval=interval)


def ready_now(base: str, timeout: float = 1.0) -> bool:
    """`answers_ready` for synchronous callers (the demo, process fixtures that poll between sleeps)."""
    try:
        return httpx.get(f"{base}/readyz", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False
