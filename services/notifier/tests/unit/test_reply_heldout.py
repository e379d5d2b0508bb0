"""The reply parser on the frozen held-out half of the third evaluation set: measured, never tuned against.

The set's README gives its SHA-256; the parser's authors never opened it (docs/reply-parser.md tells the
order in which the sets were written, measured and retired).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from iop_notifier.testing.parser_metrics import evaluate, load

pytestmark = pytest.mark.unit
EVAL3 = Path(__file__).resolve().parents[1] / "fixtures" / "eval3"


def test_the_held_out_half_is_the_frozen_one() -> None:
    digest = hashlib.sha256((EVAL3 / "heldout.csv").read_bytes()).hexdigest()
    assert re.search(rf"\b{digest}\b", (EVAL3 / "README.md").read_text(encoding="utf-8"))


def test_crisis_recall_and_triage_rate_on_the_frozen_half() -> None:
    summary, _ = evaluate(load(EVAL3 / "heldout.csv"))
    assert summary.rows == 220
    assert summary.crisis_recall >= 0.98  # issue 11's target
    assert summary.triage_rate <= 0.05  # at most 1 in 20 ordinary replies to the triage queue
