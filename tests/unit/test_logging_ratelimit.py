"""A broker restart's reconnect storm from a library reaches the log as a few lines and a count, ours untouched."""

from __future__ import annotations

import logging

import pytest

from iop_shared.logging import ThirdPartyRateLimit

pytestmark = pytest.mark.unit


def _record(name: str, msg: str = "Unable connect to node with id %s: %s") -> logging.LogRecord:
    return logging.LogRecord(name, logging.ERROR, __file__, 1, msg, ("1", "refused"), None)


def test_a_library_storm_is_cut_to_the_burst_then_counted_once_per_interval() -> None:
    now = [0.0]
    limit = ThirdPartyRateLimit(burst=5, interval=60, clock=lambda: now[0])
    passed = [limit.filter(_record("aiokafka.conn")) for _ in range(1000)]
    assert sum(passed) == 5 and passed[:5] == [True] * 5
    now[0] = 61.0
    summary = _record("aiokafka.conn")
    assert limit.filter(summary)
    assert "995 similar lines held back" in summary.getMessage() and "refused" in summary.getMessage()
    assert limit.filter(_record("aiokafka.conn"))  # a new window lets the next burst through


def test_different_messages_and_our_own_loggers_are_not_held_back() -> None:
    limit = ThirdPartyRateLimit(burst=1, interval=60, clock=lambda: 0.0)
    assert limit.filter(_record("aiokafka.conn")) and not limit.filter(_record("aiokafka.conn"))
    assert limit.filter(_record("aiokafka.conn", "Heartbeat failed for group %s: %s"))
    assert all(limit.filter(_record("iop_notifier.relay")) for _ in range(100))
