"""The reply parser on the frozen held-out half (measured once, never tuned against), and on the retired sets.

FROZEN is the one place that names the frozen file: the sixth set's held-out half, written blind on its own branch
and measured once by the lead after the parser's step 8 merged (2026-12-02: crisis recall 1.000, triage rate 0.020,
confirm 0.812, reschedule 0.875). The fifth set's halves were studied for step 8 (docs/reply-parser.md tells the
order in which the sets were written, measured and retired into training): they are regression floors at what step 8
measured, not evidence of generalisation; so is set 6's development half, studied for step 9.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from iop_devkit.notifier.parser_metrics import evaluate, load

pytestmark = pytest.mark.unit
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FROZEN = FIXTURES / "eval6" / "heldout.csv"
EVAL5 = FIXTURES / "eval5"


def test_the_held_out_half_is_the_frozen_one() -> None:
    digest = hashlib.sha256(FROZEN.read_bytes()).hexdigest()
    readme = (FROZEN.parent / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"\b{digest}\b", readme)
    assert "status: retired" not in readme.lower()


def test_crisis_recall_and_triage_meet_the_targets_on_the_frozen_half() -> None:
    summary, _ = evaluate(load(FROZEN))
    assert summary.crisis_recall >= 0.98  # issue 11's targets
    assert summary.triage_rate <= 0.05


def test_plain_answers_hold_what_was_measured_on_the_frozen_half() -> None:
    summary, _ = evaluate(load(FROZEN))
    # Measured once, 2026-12-02 (step 8): 26 of 32 and 28 of 32. Issue 11's target is 0.95 for both: not met yet,
    # and the frozen half's misreads were printed by that measurement, so the next fair look needs a new set.
    assert summary.per_intent["confirm"].recall >= 0.81
    assert summary.per_intent["reschedule_request"].recall >= 0.875


def test_the_fifth_sets_held_out_half_holds_what_step_8_measured() -> None:
    summary, _ = evaluate(load(EVAL5 / "heldout.csv"))
    assert summary.rows == 233
    assert summary.crisis_recall >= 1.0  # 84 of 84 (step 7: 83)
    assert summary.triage_rate <= 0.009  # 1 of 112 (step 7: 8)
    assert summary.per_intent["confirm"].recall >= 1.0  # 22 of 22 (step 7: 0.909)
    assert summary.per_intent["reschedule_request"].recall >= 0.944  # 17 of 18: a long polite one read as crisis


def test_the_fifth_sets_development_half_holds_what_step_8_measured() -> None:
    summary, _ = evaluate(load(EVAL5 / "dev.csv"))
    assert summary.crisis_recall >= 1.0
    assert summary.triage_rate <= 0.019  # 2 of 110
    assert summary.per_intent["confirm"].recall >= 0.95
    assert summary.per_intent["reschedule_request"].recall >= 1.0


def test_the_sixth_sets_development_half_holds_what_step_9_measured() -> None:
    # Studied for step 9 (its classes, not its texts, were fixed): a regression floor, not evidence of generalisation.
    summary, _ = evaluate(load(FIXTURES / "eval6" / "dev.csv"))
    assert summary.rows == 250
    assert summary.crisis_recall >= 1.0  # 54 of 54 (step 8: 52)
    assert summary.crisis_precision >= 0.80  # 54 of 67 (step 8: 0.754); the rest are the model's price of recall
    assert summary.triage_rate <= 0.007  # 1 of 152 (step 8: 3)
    assert summary.per_intent["confirm"].recall >= 1.0  # 33 of 33
    assert summary.per_intent["reschedule_request"].recall >= 1.0  # 33 of 33 (step 8: 29)
    assert summary.per_intent["opt_in"].recall >= 1.0  # 6 of 6 (step 8: 4)
