"""The short chaos run in CI: 1,000 patients' reminders while every service is SIGKILLed once and Kafka and
PostgreSQL restart once, Twilio answering with faults; nothing lost, nothing sent twice, nothing dead-lettered."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from chaoskit.run import SCHEDULE, Config, run

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]
PATIENTS = 1000


async def test_every_reminder_is_delivered_once_or_suppressed_with_its_reason_under_combined_faults(
        tmp_path: Path) -> None:
    began = time.monotonic()
    result = await run(Config(patients=PATIENTS, spread_s=60, settle_s=90, fault_every=40, logs=tmp_path),
                       say=lambda line: print(f"[{time.monotonic() - began:6.1f}s] {line}", flush=True))
    t = result.tally
    print(result.line())
    assert result.pg_durable
    assert [f.split("@")[0] for f in result.faults[:len(SCHEDULE)]] == [f for _, f in SCHEDULE]
    # Every Twilio fault kind struck at least once, the 21610 among them.
    assert set(result.fake_faults) >= {"accept_then_timeout", "accept_then_500", "accept_then_drop", "http_429",
                                       "http_500", "http_503", "error_21610"}, result.fake_faults
    assert t.duplicates == 0
    assert t.lost == 0, dict(t.lost_by)
    assert t.dead_letters == 0
    assert t.unknown_outcome <= PATIENTS // 1000
    assert t.reasons == {"notification:opted_out": 1}  # the unsubscribed number, and no fault became a reason
    assert t.delivered == PATIENTS - 1 - t.unknown_outcome
    assert not t.oddities, dict(t.oddities)
