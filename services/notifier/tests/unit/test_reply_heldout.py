"""The reply parser on the frozen held-out half of the fifth evaluation set: measured once, never tuned against.

The set's README gives the held-out half's SHA-256; the parser's and the model's authors never opened it, and the
training script refuses it by name. docs/reply-parser.md tells the order in which the five sets were written,
measured and retired into training. The bounds below are issue 11's targets where the parser meets them, and
the measured figure where it does not yet (the note on issue 11 says which).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from iop_devkit.notifier.parser_metrics import evaluate, load

pytestmark = pytest.mark.unit
EVAL5 = Path(__file__).resolve().parents[1] / "fixtures" / "eval5"


def test_the_held_out_half_is_the_frozen_one() -> None:
    digest = hashlib.sha256((EVAL5 / "heldout.csv").read_bytes()).hexdigest()
    assert re.search(rf"\b{digest}\b", (EVAL5 / "README.md").read_text(encoding="utf-8"))


def test_crisis_recall_meets_the_target_on_the_frozen_half() -> None:
    summary, _ = evaluate(load(EVAL5 / "heldout.csv"))
    assert summary.rows == 233
    assert summary.crisis_recall >= 0.98  # issue 11's target; measured 0.988 (83 of 84)


def test_triage_and_plain_answers_on_the_frozen_half_do_not_regress() -> None:
    summary, _ = evaluate(load(EVAL5 / "heldout.csv"))
    assert summary.triage_rate <= 0.075  # step 7 measured 0.071 (8 of 112; step 6: 0.089); the target is 0.05
    assert summary.per_intent["confirm"].recall >= 0.90  # measured 0.909; the target is 0.95
    assert summary.per_intent["reschedule_request"].recall >= 0.94  # measured 0.944; the target is 0.95
