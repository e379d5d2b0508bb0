"""The notifier as its own process, wired to the Twilio fake, for the notifier's process tests."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
import pytest

from iop_devkit.notifier.twilio_fake import TwilioFake, free_port
from iop_devkit.testing.kafka import eventually
from iop_devkit.testing.ready import until_ready

Launch = Callable[..., Awaitable[str]]


@pytest.fixture
def never_logged() -> list[bytes]:
    """Texts a test sent that must not reach the processes' logs (a module overrides it with its own)."""
    return []


@pytest.fixture
async def notifier_proc(topics: str, kafka_bootstrap: str, database_url: str, pg_schema: str, group_id: str,
                        twilio: TwilioFake, never_logged: list[bytes]) -> AsyncIterator[Launch]:
    """Start notifier processes (keywords override settings); each is stopped and its logs checked at the end."""
    procs: list[asyncio.subprocess.Process] = []

    async def launch(**env_overrides: str) -> str:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "DATABASE_URL": database_url,
               "IOP_ENVIRONMENT": "development", "NOTIFIER_DB_SCHEMA": pg_schema, "NOTIFIER_GROUP_ID": group_id,
               "NOTIFIER_HTTP_PORT": str(port), "NOTIFIER_PUBLIC_BASE_URL": base,
               "NOTIFIER_EMBEDDED_TOKEN": "e2e-token-abcdef", "NOTIFIER_ADMIN_TOKEN": "e2e-admin-token-abcdef",
               "NOTIFIER_TRIAGE_TOKEN": "e2e-triage-token-abcdef", "NOTIFIER_TWILIO_ACCOUNT_SID": twilio.account_sid,
               "NOTIFIER_TWILIO_AUTH_TOKEN": twilio.auth_token,
               "NOTIFIER_TWILIO_MESSAGING_SERVICE_SID": "MG" + "1" * 32,
               "NOTIFIER_TWILIO_API_BASE_URL": twilio.base_url, "NOTIFIER_SMS_RATE_PER_SECOND": "0",
               "NOTIFIER_TIMER_INTERVAL_S": "0.5", "NOTIFIER_DISPATCH_POLL_S": "0.2", "IOP_TOPIC_PREFIX": topics,
               **env_overrides}
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "iop_notifier.entrypoints.main", "run",
                                                    env=env, stderr=asyncio.subprocess.PIPE)
        procs.append(proc)
        await until_ready(base)
        return base

    yield launch
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(proc.communicate(), timeout=20)
        assert b'"notifier_stopped"' in stderr
        assert b"+1555" not in stderr  # no phone numbers in the logs
        assert not [text for text in never_logged if text in stderr]  # no message text in the logs


async def applied(database_url: str, schema: str, **counts: int) -> None:
    """Wait until the notifier's read models hold at least these many rows (table=count)."""
    conn = await asyncpg.connect(database_url, server_settings={"search_path": schema})
    try:
        async def done() -> bool:
            for table, n in counts.items():
                if await conn.fetchval(f"SELECT count(*) FROM {table}") < n:  # noqa: S608 - test table names
                    return False
            return True
        await eventually(done, timeout=30)
    finally:
        await conn.close()
