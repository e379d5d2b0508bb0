"""The reply parser on the frozen held-out halves of the third and fourth evaluation sets: measured, never tuned.

Each set's README gives its held-out half's SHA-256; the parser's authors never opened those files
(docs/reply-parser.md tells the order in which the sets were written, measured and retired).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from iop_notifier.testing.parser_metrics import evaluate, load

pytestmark = pytest.mark.unit
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.mark.parametrize("name", ["eval3", "eval4"])
def test_the_held_out_half_is_the_frozen_one(name: str) -> None:
    digest = hashlib.sha256((FIXTURES / name / "heldout.csv").read_bytes()).hexdigest()
    assert re.search(rf"\b{digest}\b", (FIXTURES / name / "README.md").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("name", "rows"), [("eval3", 220), ("eval4", 215)])
def test_crisis_recall_and_triage_rate_on_the_frozen_halves(name: str, rows: int) -> None:
    summary, _ = evaluate(load(FIXTURES / name / "heldout.csv"))
    assert summary.rows == rows
    assert summary.crisis_recall >= 0.98  # issue 11's target
    assert summary.triage_rate <= 0.05  # at most 1 in 20 ordinary replies to the triage queue


def test_plain_answers_on_the_fourth_sets_frozen_half() -> None:
    """Measured once with the final parser (the third set's answers were read to fix the misses it showed)."""
    summary, _ = evaluate(load(FIXTURES / "eval4" / "heldout.csv"))
    assert summary.per_intent["confirm"].recall >= 0.95
    # 16 of 17: one reschedule request short of the 0.95 target, kept honest here.
    assert summary.per_intent["reschedule_request"].recall >= 0.94
