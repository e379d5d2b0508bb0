"""A relay that stops dead between publishing a batch and marking it sent, for the SIGKILL test.

Usage: python relay_crash.py DATABASE_URL SCHEMA BOOTSTRAP MARKER_FILE
It publishes one batch, writes MARKER_FILE, then waits to be killed.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from iop_shared.relay import OutboxRelay


class _CrashBeforeMark(OutboxRelay):
    async def _mark_sent(self, conn: object, ids: list[int]) -> None:
        await asyncio.to_thread(Path(sys.argv[4]).write_text, str(len(ids)))
        await asyncio.sleep(3600)


async def main() -> None:
    relay = _CrashBeforeMark(sys.argv[1], sys.argv[2], sys.argv[3], batch_size=200)
    await relay.run(asyncio.Event())


asyncio.run(main())
