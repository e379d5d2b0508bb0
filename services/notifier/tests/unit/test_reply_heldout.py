"""The reply parser on the frozen held-out halves (never tuned against, never printed), and on the retired sets.

FROZEN names the frozen files: the seventh and eighth sets' held-out halves, each written blind on its own branch
and measured by the lead only in aggregate (`parser_metrics ... | tail -1`) after a parser step merged: set 7
after steps 9, 10 and 11, set 8 after steps 10 and 11 (2026-12-02; the figures are beside each test). Their
misread rows have not been printed. The sixth set's held-out half (its misreads printed after step 8) and the halves
studied for steps 8 to 11 are regression floors, not evidence of generalisation (docs/reply-parser.md tells the
order).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from iop_devkit.notifier.parser_metrics import evaluate, load

pytestmark = pytest.mark.unit
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FROZEN = (FIXTURES / "eval7" / "heldout.csv", FIXTURES / "eval8" / "heldout.csv")
EVAL5 = FIXTURES / "eval5"


@pytest.mark.parametrize("frozen", FROZEN, ids=lambda p: p.parent.name)
def test_the_held_out_half_is_the_frozen_one(frozen: Path) -> None:
    digest = hashlib.sha256(frozen.read_bytes()).hexdigest()
    readme = (frozen.parent / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"\b{digest}\b", readme)
    assert "status: retired" not in readme.lower()


def test_the_seventh_sets_frozen_half_holds_what_was_measured() -> None:
    summary, _ = evaluate(load(FROZEN[0]))
    assert summary.rows == 231
    # Issue 11's targets: crisis recall >= 0.98, triage <= 0.05, confirm and reschedule recall >= 0.95.
    # After step 11: crisis 48 of 50 (0.960, NOT met; steps 9-11 alike), triage 5 of 141 (0.035; step 9: 0.050),
    # confirm 27 of 29 (0.931, not met; step 9: 0.897), reschedule 28 of 29 (0.966; step 9: 0.897).
    assert summary.crisis_recall >= 0.96
    assert summary.triage_rate <= 0.036
    assert summary.per_intent["confirm"].recall >= 0.93
    assert summary.per_intent["reschedule_request"].recall >= 0.96


def test_the_eighth_sets_frozen_half_holds_what_was_measured() -> None:
    summary, _ = evaluate(load(FROZEN[1]))
    assert summary.rows == 234
    # After step 11: crisis 57 of 58 (0.983, met), triage 0.015 (step 10: 0.037), confirm 25 of 29 (0.862, NOT
    # met), reschedule 27 of 28 (0.964, met).
    assert summary.crisis_recall >= 0.98
    assert summary.triage_rate <= 0.015
    assert summary.per_intent["confirm"].recall >= 0.86
    assert summary.per_intent["reschedule_request"].recall >= 0.96


def test_the_sixth_sets_held_out_half_holds_what_was_measured() -> None:
    # Measured once after step 8 (confirm 0.812, reschedule 0.875, its misreads printed), again after step 9.
    summary, _ = evaluate(load(FIXTURES / "eval6" / "heldout.csv"))
    assert summary.rows == 249
    assert summary.crisis_recall >= 1.0  # 54 of 54
    assert summary.triage_rate <= 0.02  # 3 of 151
    assert summary.per_intent["confirm"].recall >= 0.90  # 29 of 32
    assert summary.per_intent["reschedule_request"].recall >= 0.90  # 29 of 32


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


def test_the_seventh_sets_development_half_holds_what_step_10_measured() -> None:
    # Studied for step 10 (its classes, not its texts, were fixed): a regression floor, not evidence of
    # generalisation; the fair figure is the frozen half's, measured once after step 10 merges.
    summary, _ = evaluate(load(FIXTURES / "eval7" / "dev.csv"))
    assert summary.rows == 232
    assert summary.crisis_recall >= 1.0  # 50 of 50 (step 9: 49)
    assert summary.crisis_precision >= 0.84  # 50 of 59 (step 9: 0.831); the rest are the model's price of recall
    assert summary.triage_rate <= 0.022  # 3 of 142 (step 9: 4)
    assert summary.per_intent["confirm"].recall >= 1.0  # 29 of 29 (step 9: 26)
    assert summary.per_intent["reschedule_request"].recall >= 1.0  # 29 of 29 (step 9: 26)
    assert summary.per_intent["concern"].recall >= 0.85  # 34 of 40 (step 9: 30)


def test_the_eighth_sets_development_half_holds_what_step_11_measured() -> None:
    # Studied for step 11 (its classes, not its texts, were fixed): a regression floor, not evidence of
    # generalisation; the fair figure is the lead's measurement of the held-out halves.
    summary, _ = evaluate(load(FIXTURES / "eval8" / "dev.csv"))
    assert summary.rows == 235
    assert summary.crisis_recall >= 1.0  # 57 of 57 (step 10: 55)
    assert summary.crisis_precision >= 0.91  # 57 of 62 (step 10: 0.873); the rest are the model's price of recall
    assert summary.triage_rate <= 0.037  # 5 of 137 (step 10: 11)
    assert summary.per_intent["confirm"].recall >= 1.0  # 29 of 29 (step 10: 27)
    assert summary.per_intent["reschedule_request"].recall >= 1.0  # 28 of 28 (step 10: 24)
    assert summary.per_intent["mood"].recall >= 1.0  # 15 of 15 (step 10: 12)
    assert summary.per_intent["craving"].recall >= 1.0  # 11 of 11 (step 10: 9)
    assert summary.per_intent["help"].recall >= 1.0  # 6 of 6 (step 10: 4)
    assert summary.per_intent["concern"].recall >= 0.85  # 35 of 41
