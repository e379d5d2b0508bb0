"""The scenario, minute by minute (scaled): enrol, schedule, replies, changes, kiosk check-ins, a late arrival."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

from .clinic import Clinic

LEAD = timedelta(minutes=4)  # the main session starts this long after the scenario begins


async def _at(start: float, seconds: float) -> None:
    delay = start + seconds - time.monotonic()
    if delay > 0:
        await asyncio.sleep(delay)


async def run_scenario(clinic: Clinic, scale: float) -> None:
    """Session a starts at 2 min, b at 4, c at 5, d and e at 7 (d cancelled, e moved); all times times `scale`."""
    start = time.monotonic()
    t0 = datetime.now(UTC)
    await clinic.enrol()
    await asyncio.sleep(3)  # let the services apply the patients before their sessions arrive
    await clinic.schedule(t0, LEAD * scale, scale)
    await _at(start, 70 * scale)
    await clinic.replies()
    await clinic.questionnaire()
    await _at(start, 95 * scale)
    await clinic.change_plans()
    await _at(start, 130 * scale)
    await clinic.kiosk("a", absent={0, 1, 7})
    await _at(start, 215 * scale)
    await clinic.arrive_late("a", {7})
    await _at(start, 250 * scale)
    await clinic.kiosk("b", absent={0, 1, 9})
    await _at(start, 310 * scale)
    await clinic.kiosk("c", absent={30})
    await _at(start, 400 * scale)
