"""PostgreSQL wiring: an asyncpg pool bound to one service schema, migrations through yoyo, inbox dedupe."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import cast
from urllib.parse import urlencode, urlsplit, urlunsplit

import asyncpg
import psycopg
from asyncpg.pool import PoolConnectionProxy
from yoyo import get_backend, read_migrations

Conn = asyncpg.Connection | PoolConnectionProxy
"""A connection, pooled or not: what repositories and the outbox take."""

SHARED_MIGRATIONS = Path(__file__).parent / "migrations"
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def check_schema_name(schema: str) -> str:
    """Schema names are interpolated into SQL, so only plain lowercase identifiers are accepted."""
    if not _SCHEMA_NAME.match(schema):
        raise ValueError(f"invalid schema name {schema!r}")
    return schema


def _yoyo_url(database_url: str, schema: str) -> str:
    parts = urlsplit(database_url)
    query = urlencode({"schema": schema})
    return urlunsplit(("postgresql+psycopg", parts.netloc, parts.path, query, ""))


def migrate(database_url: str, schema: str, migrations_dir: Path | None = None) -> list[str]:
    """Create the schema if needed and apply pending migrations (shared outbox/inbox first); return their ids."""
    check_schema_name(schema)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    sources = [str(SHARED_MIGRATIONS)] + ([str(migrations_dir)] if migrations_dir else [])
    backend = get_backend(_yoyo_url(database_url, schema))
    migrations = read_migrations(*sources)
    with backend.lock():
        pending = backend.to_apply(migrations)
        backend.apply_migrations(pending)
    return [m.id for m in pending]


async def create_pool(database_url: str, schema: str, *, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    """A pool whose connections see the service schema first on their search path."""
    check_schema_name(schema)
    pool = await asyncpg.create_pool(
        database_url, min_size=min_size, max_size=max_size,
        server_settings={"search_path": schema, "application_name": f"iop-{schema}"},
    )
    assert pool is not None
    return pool


async def claim_event(conn: Conn, consumer: str, event_id: str) -> bool:
    """Record that `consumer` applies `event_id` in the caller's transaction; False if it already did."""
    return bool(await claim_events(conn, consumer, [event_id]))


async def claim_events(conn: Conn, consumer: str, event_ids: Sequence[str]) -> set[str]:
    """The ids among `event_ids` that `consumer` had not applied yet, claimed in the caller's transaction."""
    rows = await conn.fetch(
        "INSERT INTO inbox (consumer, event_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING"
        " RETURNING event_id", consumer, list(event_ids),
    )
    return {r["event_id"] for r in rows}


@asynccontextmanager
async def transaction(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A pooled connection inside a transaction (the stubs type it as a proxy; it behaves as a Connection)."""
    async with pool.acquire() as proxy, proxy.transaction():
        yield cast(asyncpg.Connection, proxy)


@asynccontextmanager
async def connection(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A pooled connection without an explicit transaction, for reads."""
    async with pool.acquire() as proxy:
        yield cast(asyncpg.Connection, proxy)


async def pg_durable(database_url: str) -> bool:
    """True when the server runs with fsync, synchronous_commit and full_page_writes on: for benchmarks to report."""
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes')")
    finally:
        await conn.close()
    return len(rows) == 3 and all(r["setting"] == "on" for r in rows)
