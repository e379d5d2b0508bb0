"""The overview's queries (queries/<name>.sql) run as one statement: one snapshot, and one round trip to run it.

Each query stays readable in its own file; here its parameters are renumbered after the previous query's and its
rows come back as one array column. One snapshot matters as much as the round trips: read statement by statement,
a session's counts could predate a retraction that the miss list, read a moment later, already shows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any

import asyncpg

from .sql import q

Part = tuple[str, tuple[Any, ...]]  # a query's name and its arguments, numbered $1.. in its own file
Rows = dict[str, list[dict[str, Any]]]
PARAM = re.compile(r"\$(\d+)")
_described: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}  # a query's column names and types


@cache
def statement(names: tuple[str, ...], types: tuple[str, ...]) -> str:
    """One SELECT with a column per query, each the array of that query's rows in its own order.

    A record in an array names the types of its fields but asyncpg decodes only those it has loaded codecs for
    (an int[] of score totals is not built in): a typed NULL of each type the queries return makes the statement's
    own description load them.
    """
    columns, offset = [], 0
    for name in names:
        text = PARAM.sub(lambda m, shift=offset: f"${int(m[1]) + shift}", q(name))  # type: ignore[misc]
        # ARRAY(subquery) keeps the subquery's ORDER BY (a plain projection of it, never re-sorted); the text is
        # the project's own query files, no input.
        columns.append(f"ARRAY(SELECT t FROM (\n{text}\n) AS t) AS {name}")  # noqa: S608
        offset += _arity(q(name))
    columns += [f"NULL::{t} AS codec_{i}" for i, t in enumerate(types)]
    return "SELECT " + ",\n".join(columns)


def _arity(text: str) -> int:
    return max((int(n) for n in PARAM.findall(text)), default=0)


async def read(conn: asyncpg.Connection, parts: Sequence[Part]) -> Rows:
    """Each query's rows by name, as mappings of its column names."""
    names = tuple(name for name, _ in parts)
    for name, args in parts:
        if len(args) != _arity(q(name)):
            raise ValueError(f"{name} takes {_arity(q(name))} arguments")
        if name not in _described:
            _described[name] = await _describe(conn, name)
    types = tuple(sorted({t for name in names for t in described(name)[1]}))
    # Prepared afresh (one more round trip, no cache): a cached statement switches to a generic plan after five
    # runs, and for an unknown clinic list that plan walks the network's flags, concerns and today's sessions
    # (10 to 20 ms at 100,000 patients) where a plan for the clinics at hand reads only theirs.
    prepared = await conn.prepare(statement(names, types))
    row = await prepared.fetchrow(*(a for _, args in parts for a in args))
    assert row is not None  # a SELECT without FROM returns one row
    return {name: [dict(zip(_described[name][0], record, strict=True)) for record in row[name]] for name in names}


def described(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The column names and types of the query `name`, once `read` has run it."""
    return _described[name]


async def _describe(conn: asyncpg.Connection, name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    # Once per process: a record in an array carries its values, not its column names.
    attributes = (await conn.prepare(q(name))).get_attributes()
    return tuple(a.name for a in attributes), tuple(_type(a.type.schema, a.type.name) for a in attributes)


def _type(schema: str, name: str) -> str:
    base, brackets = (name[:-2], "[]") if name.endswith("[]") else (name, "")  # asyncpg names arrays "int4[]"
    return f'"{schema}"."{base}"{brackets}'

