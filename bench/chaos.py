"""Chaos run (issue 13): N patients' reminders through the services as processes while faults strike.

Its own durable PostgreSQL and Kafka broker (restarted once each), two replicas of scheduler and notifier and one
attendance (each SIGKILLed once and restarted), Twilio a local fake that injects timeouts after accepting, dropped
connections, 429, 5xx and a 21610. Counted at the fake and on the topics; the last line is one JSON object.

    uv run python bench/chaos.py [--patients 10000] [--spread 150]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chaoskit.run import Config, Result, run


def report(result: Result) -> None:
    t = result.tally
    print(f"run took {result.seconds:.0f}s; logs in {result.logs}")
    print("fault schedule: " + ", ".join(result.faults))
    print(f"suppressed by policy, by reason: {dict(t.reasons)}")
    print(f"lost, by how they ended: {dict(t.lost_by)}")
    print(f"lateness at the provider (capacity, not loss): {t.lateness()}")
    print(f"fake/topic consistency: {dict(t.oddities) or 'consistent'}")
    print(f"pg_durable={str(result.pg_durable).lower()}")
    print(json.dumps(result.line(), separators=(",", ":")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--spread", type=float, default=None, help="seconds over which reminders fall due")
    parser.add_argument("--fault-every", type=int, default=50, help="every k-th Twilio create gets a fault")
    args = parser.parse_args()
    spread = args.spread if args.spread is not None else max(60.0, min(150.0, args.patients / 60))
    cfg = Config(patients=args.patients, spread_s=spread, fault_every=args.fault_every,
                 settle_s=max(120.0, args.patients / 15))
    began = time.monotonic()
    report(asyncio.run(run(cfg, say=lambda line: print(f"[{time.monotonic() - began:6.1f}s] {line}", flush=True))))


if __name__ == "__main__":
    main()
