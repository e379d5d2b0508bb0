from dataclasses import replace
from datetime import timedelta

import pytest

from iop_attendance.domain.model import Assessment
from iop_attendance.domain.rules import evaluate
from iop_attendance.domain.ruleset import RuleSet
from iop_devkit.attendance import T0, history

pytestmark = pytest.mark.unit
LATER = T0 + timedelta(days=60)
RULES = {"phq9_moderate", "phq9_severe", "phq9_item9", "gad7_moderate", "phq9_rise"}


def _a(instrument: str, total: int | None, day: int, item9: bool = False, status: str = "completed") -> Assessment:
    return Assessment(f"a-{instrument}-{day}", f"ev-{instrument}-{day}", instrument, status, total, None, item9,
                      LATER - timedelta(days=30 - day))


def found(rules: RuleSet, *scores: Assessment) -> set[str]:
    return set(evaluate(rules, replace(history(), assessments=scores), LATER)) & RULES


def test_phq9_cut_offs_medium_at_ten_high_at_twenty(rules: RuleSet) -> None:
    assert found(rules, _a("phq9", 9, 1)) == set()
    assert found(rules, _a("phq9", 10, 1)) == {"phq9_moderate"}
    assert found(rules, _a("phq9", 19, 1)) == {"phq9_moderate"}
    assert found(rules, _a("phq9", 20, 1)) == {"phq9_severe"}
    assert {rules.get(r).severity.value for r in ("phq9_moderate", "phq9_severe", "phq9_item9")} == {  # type: ignore[union-attr]
        "medium", "high", "critical"}


def test_gad7_at_ten_is_medium_and_a_phq2_total_never_flags(rules: RuleSet) -> None:
    assert found(rules, _a("gad7", 10, 1)) == {"gad7_moderate"} and found(rules, _a("gad7", 9, 1)) == set()
    assert found(rules, _a("phq2", 6, 1)) == set()


def test_item9_is_critical_even_unfinished_and_only_while_recent(rules: RuleSet) -> None:
    assert "phq9_item9" in found(rules, _a("phq9", 3, 29, item9=True))
    assert "phq9_item9" in found(rules, _a("phq9", None, 29, item9=True, status="stopped"))
    assert "phq9_item9" not in found(rules, _a("phq9", 3, 1, item9=True))  # a month ago: past the lookback


def test_a_rise_of_five_between_consecutive_phq9s(rules: RuleSet) -> None:
    assert "phq9_rise" in found(rules, _a("phq9", 2, 1), _a("phq9", 7, 15))
    assert "phq9_rise" not in found(rules, _a("phq9", 2, 1), _a("phq9", 6, 15))
    assert "phq9_rise" not in found(rules, _a("phq9", 2, 1), _a("phq9", 9, 8), _a("phq9", 9, 15))  # consecutive
    expired = _a("phq9", None, 10, status="expired")
    assert "phq9_rise" in found(rules, _a("phq9", 2, 1), expired, _a("phq9", 8, 15))  # unanswered ones skipped


def test_a_questionnaire_answer_answers_its_prompt(rules: RuleSet) -> None:
    from iop_attendance.domain.model import Prompt
    from iop_devkit.attendance import checkin
    from iop_shared.contracts.outbound import CheckinIntent

    prompts = [Prompt(f"r{i}", T0 + timedelta(days=i)) for i in range(3)]
    answers = [checkin(CheckinIntent.assessment_item, 1, T0 + timedelta(days=i, hours=1), prompt=f"r{i}")
               for i in range(3)]
    assert "unanswered_checkins" not in set(evaluate(rules, history(checkins=answers, prompts=prompts), LATER))
    assert "unanswered_checkins" in set(evaluate(rules, history(prompts=prompts), LATER))
