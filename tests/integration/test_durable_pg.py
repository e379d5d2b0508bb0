"""IOP_PG_DURABLE=1 gives a dev PostgreSQL with fsync, synchronous_commit and full_page_writes on, and says so."""

from __future__ import annotations

import asyncio

import pytest

from iop_devkit.testing.private_pg import PrivatePostgres
from iop_shared.db import pg_durable

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]


async def test_the_durable_mode_is_on_and_reported(private_postgres: PrivatePostgres) -> None:
    assert not await pg_durable(private_postgres.url), "the default dev server trades durability for speed"
    durable = PrivatePostgres(durable=True)
    try:
        await asyncio.to_thread(durable.start)
        assert await pg_durable(durable.url)
    finally:
        await asyncio.to_thread(durable.stop)
