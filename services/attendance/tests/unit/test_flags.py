import itertools
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iop_attendance.domain.model import Visit
from iop_attendance.domain.ruleset import RuleSet
from iop_devkit.attendance import T0, Simulator, attended, checkin, history, missed
from iop_shared.contracts.inbound import AttendanceStatus
from iop_shared.contracts.outbound import CheckinIntent

pytestmark = pytest.mark.unit
MISS_RULES = {"early_no_show", "consecutive_misses_2", "consecutive_misses_3", "inconsistent_attendance"}


def run(sim: Simulator, visits: list[Visit]) -> None:
    """Reveal the visits one at a time, evaluating after each as the service does."""
    for i in range(1, len(visits) + 1):
        sim.step(history(visits[:i]), visits[i - 1].starts_at + timedelta(hours=1))


def test_one_pattern_raises_one_flag(rules: RuleSet) -> None:
    sim = Simulator(rules)
    run(sim, [attended(0), attended(1), attended(2), missed(3), missed(4), missed(5), missed(6)])
    counts = [f.rule_id for f, _ in sim.raised]
    assert counts.count("consecutive_misses_2") == 1 and counts.count("consecutive_misses_3") == 1


def test_retraction_undoes_and_resolves(rules: RuleSet) -> None:
    sim = Simulator(rules)
    visits = [attended(0), attended(1), attended(2), missed(3), missed(4)]
    run(sim, visits)
    assert "consecutive_misses_2" in sim.open_rules()
    late = Visit(**{**visits[4]._asdict(), "status": AttendanceStatus.late, "missed_visit_id": None})
    sim.step(history([*visits[:4], late]), T0 + timedelta(days=5))
    assert "consecutive_misses_2" not in sim.open_rules()
    # The undone flag does not hold the cooldown: a new streak flags again at once.
    sim.step(history([*visits[:4], late, missed(6), missed(7)]), T0 + timedelta(days=8))
    assert "consecutive_misses_2" in sim.open_rules()


def test_cooldown_after_clinician_resolves(rules: RuleSet) -> None:
    sim = Simulator(rules)
    base = [attended(0), attended(1), attended(2), missed(3), missed(4)]
    run(sim, base)
    sim.clinician_resolves("consecutive_misses_2")
    again = [*base, attended(5), missed(6), missed(7)]
    sim.step(history(again), T0 + timedelta(days=7, hours=1))
    assert "consecutive_misses_2" not in sim.open_rules()  # within 7 days of the first flag
    later = [*again, attended(20), missed(21), missed(22)]
    sim.step(history(later), T0 + timedelta(days=22, hours=1))
    assert "consecutive_misses_2" in sim.open_rules()


def test_crisis_flags_every_new_crisis_even_while_open(rules: RuleSet) -> None:
    sim = Simulator(rules)
    first = checkin(CheckinIntent.crisis, None, T0)
    sim.step(history(checkins=[first]), T0)
    sim.step(history(checkins=[first]), T0 + timedelta(minutes=5))
    second = checkin(CheckinIntent.crisis, None, T0 + timedelta(hours=2))
    sim.step(history(checkins=[first, second]), T0 + timedelta(hours=2))
    assert [f.rule_id for f, _ in sim.raised] == ["crisis_checkin", "crisis_checkin"]
    sim.step(history(checkins=[first, second]), T0 + timedelta(days=3))
    assert "crisis_checkin" in sim.open_rules()  # only a clinician resolves a crisis flag


outcomes = st.lists(st.sampled_from(["present", "late", "absent", "none", "excused"]), min_size=1, max_size=30)


def build(seq: list[str]) -> list[Visit]:
    out = []
    for day, s in enumerate(seq):
        status = None if s == "none" else AttendanceStatus(s)
        out.append(attended(day) if status in (AttendanceStatus.present, AttendanceStatus.late) else
                   missed(day) if status in (None, AttendanceStatus.absent) else
                   Visit(**{**attended(day)._asdict(), "status": status}))
    return out


@settings(max_examples=150, deadline=None)
@given(outcomes)
def test_no_flag_without_its_pattern_and_one_per_pattern(seq: list[str]) -> None:
    from iop_attendance.domain.ruleset import load
    rules = load()
    sim = Simulator(rules)
    visits = build(seq)
    for i in range(1, len(visits) + 1):
        now = visits[i - 1].starts_at + timedelta(hours=1)
        findings = sim.step(history(visits[:i]), now)
        for finding, at in sim.raised:
            if at == now:
                assert finding.rule_id in findings  # raised only with its pattern present
    keys = [(f.rule_id, f.pattern_key) for f, _ in sim.raised]
    assert len(keys) == len(set(keys))
    held = {(f.rule_id, f.pattern_key) for f in sim.flags if not f.auto_resolved}
    for rule in rules.rules:  # a flag still open (its pattern holds) keeps the rule quiet for its cooldown
        times = sorted(at for f, at in sim.raised if f.rule_id == rule.id and (rule.id, f.pattern_key) in held)
        assert all(b - a >= rule.cooldown for a, b in itertools.pairwise(times))
    for rule_id in {f.rule_id for f in sim.flags}:
        assert sum(1 for f in sim.flags if f.rule_id == rule_id and f.is_open) <= 1


@settings(max_examples=150, deadline=None)
@given(outcomes)
def test_retracting_every_miss_leaves_no_attendance_flag_open(seq: list[str]) -> None:
    from iop_attendance.domain.ruleset import load
    sim = Simulator(load())
    visits = build(seq)
    for i in range(1, len(visits) + 1):
        sim.step(history(visits[:i]), visits[i - 1].starts_at + timedelta(hours=1))
    retracted = [Visit(**{**v._asdict(), "status": AttendanceStatus.late, "missed_visit_id": None})
                 if v.missed_visit_id else v for v in visits]
    sim.step(history(retracted), visits[-1].starts_at + timedelta(hours=2))
    assert not (sim.open_rules() & MISS_RULES)
