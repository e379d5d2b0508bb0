"""Fault classification, poison decoding, bounded dead letters and durability settings, without I/O."""

from __future__ import annotations

import base64
import hashlib
import json

import asyncpg
import pytest
from aiokafka.errors import KafkaConnectionError, MessageSizeTooLargeError

from iop_devkit.devstack.config import StackConfig
from iop_devkit.devstack.postgres_node import server_options
from iop_devkit.testing.records import FakeRecord
from iop_shared.contracts import ContractError, Envelope, decode, encode
from iop_shared.contracts.inbound import SessionCancelled
from iop_shared.contracts.topics import SESSIONS
from iop_shared.deadletter import DeadLetterPublisher
from iop_shared.faults import is_transient
from iop_shared.kafka import _new_topic
from iop_shared.settings import KafkaAdminSettings

pytestmark = pytest.mark.unit
PG = asyncpg.exceptions


@pytest.mark.parametrize("exc", [
    PG.AdminShutdownError("terminating connection due to administrator command"),
    PG.CannotConnectNowError("the database system is starting up"),
    PG.CrashShutdownError("crash"), PG.ReadOnlySQLTransactionError("read-only"),
    PG.ConnectionDoesNotExistError("gone"), asyncpg.InterfaceError("connection is closed"),
    asyncpg.InternalClientError("cannot switch to state 15; another operation (2) is in progress"),
    ConnectionResetError(), KafkaConnectionError(),
])
def test_restart_and_connection_faults_are_transient(exc: BaseException) -> None:
    assert is_transient(exc)


def test_a_wrapped_fault_is_transient_but_bugs_contract_errors_and_oversized_records_are_not() -> None:
    wrapped = RuntimeError("repository failed")
    wrapped.__cause__ = PG.AdminShutdownError("terminating")
    assert is_transient(wrapped)
    assert is_transient(ExceptionGroup("tasks", [ValueError(), PG.CannotConnectNowError("starting")]))
    assert not is_transient(ValueError("bug"))
    assert not is_transient(asyncpg.InternalClientError("something else"))
    assert not is_transient(MessageSizeTooLargeError())
    assert not is_transient(ContractError("bad"))


def _headers() -> dict[str, str]:
    rec = encode(Envelope(data=SessionCancelled(session_id="s-1", revision=2), source="iop/t"))
    return {k: v.decode() for k, v in rec.headers}


@pytest.mark.parametrize(("value", "reason"), [
    (b"[" * 100_000 + b"]" * 100_000, "RecursionError"),
    (b'{"session_id": "s-1", "revision": ' + b"9" * 5000 + b"}", "ValueError"),
    (b'{"session_id": "\xff"}', "UnicodeDecodeError"),
    (b'"just a string"', "not a JSON object"),
])
def test_poison_values_are_contract_errors(value: bytes, reason: str) -> None:
    with pytest.raises(ContractError, match=reason):
        decode(_headers(), value)


def test_a_dead_letter_past_the_size_limit_is_cut_with_size_and_hash() -> None:
    value = b"x" * 2_000_000
    letter = DeadLetterPublisher(None, "t").letter(FakeRecord(value), "bad", 900_000)
    assert letter.truncated and letter.original_size == len(value)
    assert letter.value_sha256 == hashlib.sha256(value).hexdigest()
    assert len(letter.model_dump_json(exclude_none=True)) <= 900_000
    assert value.startswith(base64.b64decode(letter.value_b64))
    small = DeadLetterPublisher(None, "t").letter(FakeRecord(b"{}"), "bad", 900_000)
    assert not small.truncated and base64.b64decode(small.value_b64) == b"{}"
    assert json.loads(small.model_dump_json())["original_size"] == 2


def test_topic_durability_and_the_durable_dev_database_come_from_configuration(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOP_TOPIC_REPLICATION_FACTOR", "3")
    monkeypatch.setenv("IOP_TOPIC_MIN_INSYNC_REPLICAS", "2")
    topic = _new_topic(SESSIONS, KafkaAdminSettings())
    assert topic.replication_factor == 3 and topic.topic_configs["min.insync.replicas"] == "2"
    monkeypatch.delenv("IOP_TOPIC_REPLICATION_FACTOR")
    monkeypatch.delenv("IOP_TOPIC_MIN_INSYNC_REPLICAS")
    assert _new_topic(SESSIONS, KafkaAdminSettings()).replication_factor == 1
    from pathlib import Path
    cfg = StackConfig(home=Path("/tmp/x"), kafka_port=1, controller_port=2, pg_port=3, database="d")
    assert "fsync=off" in server_options(cfg) and "synchronous_commit=off" in server_options(cfg)
    durable = server_options(StackConfig(**{**cfg.__dict__, "pg_durable": True}))
    assert all(f"{name}=on" in durable for name in ("fsync", "synchronous_commit", "full_page_writes"))


def test_the_deploy_manifests_ask_for_replicated_topics() -> None:
    from pathlib import Path

    import yaml
    path = Path(__file__).resolve().parents[2] / "deploy" / "k8s" / "base" / "configmap.yaml"
    [common] = [doc for doc in yaml.safe_load_all(path.read_text()) if doc["metadata"]["name"] == "iop-common"]
    data = common["data"]
    assert (data["IOP_TOPIC_REPLICATION_FACTOR"], data["IOP_TOPIC_MIN_INSYNC_REPLICAS"]) == ("3", "2")


def test_a_partition_counts_as_stuck_while_it_keeps_failing_on_one_offset(monkeypatch: pytest.MonkeyPatch) -> None:
    from iop_shared import health

    now = [100.0]
    monkeypatch.setattr("iop_shared.health.time.monotonic", lambda: now[0])
    progress, key = health.ConsumerProgress(), ("g", "t", 0)
    progress.attempting(key, 5)
    progress.failed(key)
    now[0] += 30
    progress.attempting(key, 5)  # redelivered: the same offset again
    progress.failed(key)
    assert progress.stuck(20) == ["g:t[0]@5"]
    now[0] += 25  # nobody retried since (the consumer stopped): no longer reported
    assert progress.stuck(20) == []
    progress.attempting(key, 5)
    assert progress.stuck(20) == ["g:t[0]@5"]  # a handler in flight for long is stuck too
    progress.attempting(key, 9)
    assert progress.stuck(20) == []
    progress.done(key)
    assert progress.stuck(0) == []
