"""Which faults are transient (retry, then redeliver) and which mean a message can never be applied."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg
from aiokafka.errors import KafkaError, MessageSizeTooLargeError, RecordTooLargeError

from .contracts import ContractError

_PG = asyncpg.exceptions
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OSError, TimeoutError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError,
    _PG.SerializationError, _PG.DeadlockDetectedError, _PG.TooManyConnectionsError,
    # A restart or failover: the server shuts down, refuses connections while starting, or is a read-only
    # standby for a moment; the same statement succeeds once it is back.
    _PG.AdminShutdownError, _PG.CannotConnectNowError, _PG.CrashShutdownError, _PG.ReadOnlySQLTransactionError,
    KafkaError,
    # The schema or grants are missing: an operator fixes that, and then the same message succeeds.
    _PG.UndefinedTableError, _PG.InvalidSchemaNameError, _PG.InsufficientPrivilegeError,
)
# Retrying a record the broker refuses as too large can never succeed.
PERMANENT_KAFKA_ERRORS: tuple[type[BaseException], ...] = (MessageSizeTooLargeError, RecordTooLargeError)


def is_transient(exc: BaseException) -> bool:
    """True when `exc`, or what it wraps (cause, context, exception group), is a fault that may pass by itself."""
    if isinstance(exc, ContractError):  # the message itself is wrong, whatever happened before
        return False
    return _any(exc, _transient_alone, set())


def _transient_alone(exc: BaseException) -> bool:
    if isinstance(exc, asyncpg.InternalClientError):
        # A pooled connection whose server went away mid-statement reports its half-done protocol state as
        # "another operation is in progress"; a fresh connection runs the same statement fine.
        return "another operation" in str(exc)
    return isinstance(exc, TRANSIENT_ERRORS) and not isinstance(exc, PERMANENT_KAFKA_ERRORS)


def _any(exc: BaseException, test: Callable[[BaseException], bool], seen: set[int]) -> bool:
    if id(exc) in seen:
        return False
    seen.add(id(exc))
    if test(exc):
        return True
    inner: list[BaseException] = list(exc.exceptions) if isinstance(exc, BaseExceptionGroup) else []
    # A handler that wraps a database fault in its own error (`raise X from exc`) is still a database fault.
    inner += [e for e in (exc.__cause__, exc.__context__) if e is not None]
    return any(_any(e, test, seen) for e in inner)
