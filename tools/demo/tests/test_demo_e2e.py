"""The README's run command, end to end: the demo starts the services as processes, drives them through their
public interfaces as a clinic would, and everything the scenario promises shows up on Kafka."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def test_the_demo_runs_end_to_end(kafka_bootstrap: str, database_url: str, tmp_path: Path) -> None:
    summary = tmp_path / "summary.json"
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "DATABASE_URL": database_url,
           "IOP_DEMO_LOGS": str(tmp_path / "logs")}
    done = subprocess.run([sys.executable, "-m", "iop_demo", "--scale", "0.4", "--no-keep-running",
                           "--summary-json", str(summary)], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    counts: dict[str, int] = json.loads(summary.read_text())["counts"]

    def count(prefix: str) -> int:
        return sum(v for k, v in counts.items() if k.startswith(prefix))

    assert count("reminder due (upcoming_session)") >= 40, counts
    assert count("reminder due (session_changed)") == 4 and count("reminder due (session_cancelled)") == 3, counts
    assert count("sent to patient") >= 40 and counts["emails caught by the local SMTP server"] >= 5, counts
    assert counts.get("reply (crisis)") == 1 and counts.get("reply (opt_out)") == 2, counts
    assert counts.get("reply (opt_in)") == 1, counts
    assert count("reply (confirm)") >= 2 and count("reply (reschedule_request)") >= 1, counts
    assert count("risk flag (critical: crisis_checkin") == 1 and count("page to care team") >= 2, counts
    # One PHQ-9 by text: nine answers, a total, and item 9 above 0 flagged critical (the notifier paged at once).
    assert counts.get("reply (assessment_item)") == 9 and counts.get("check-in completed (phq9)") == 1, counts
    assert count("risk flag (critical: phq9_item9") == 1, counts
    assert counts.get("visit.missed", 0) >= 4 and counts.get("visit.missed_retracted") == 1, counts
    assert count("risk flag (medium") + count("risk flag (high") >= 2, counts
    # The reply nobody can classify is a `concern`, and waits in the triage queue the demo's dashboard user sees.
    assert counts.get("reply (concern)") == 1, counts
    assert counts["triage queue on the dashboard (open concerns)"] == 1, counts
    assert "sign in as staff-demo / " in done.stdout
    assert "Traceback" not in done.stdout
