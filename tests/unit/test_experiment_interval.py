"""The experiment report's 95 % interval counts patients, not sessions: a patient's sessions are correlated."""

from __future__ import annotations

import math

import pytest

from iop_shared.experiments import Tally, _log_rate_var, per_session_lift, relative_lift

pytestmark = pytest.mark.unit


def tally(patients: list[tuple[int, int]]) -> Tally:
    """A tally of (sessions, attended) per patient."""
    t = Tally()
    for sessions, attended in patients:
        t = t.add(sessions, attended, sessions - attended)
    return t


def width(interval: tuple[float, float, float] | None) -> float:
    assert interval is not None
    return interval[2] - interval[1]


def test_strongly_clustered_patients_widen_the_interval() -> None:
    # Every patient attends all ten sessions or none: 100 patients carry the information, not 1,000 sessions.
    control = tally([(10, 10)] * 70 + [(10, 0)] * 30)
    arm = tally([(10, 10)] * 80 + [(10, 0)] * 20)
    clustered, naive = relative_lift(arm, control), per_session_lift(arm, control)
    assert clustered is not None and naive is not None
    assert clustered[0] == pytest.approx(naive[0]) == pytest.approx(0.8 / 0.7 - 1)  # same estimate
    assert width(clustered) > 2.5 * width(naive)  # about sqrt(10) wider
    assert clustered[1] < 0 < naive[1]  # the per-session interval claims an effect the patients do not show


def test_independent_sessions_give_about_the_per_session_interval() -> None:
    # One session per patient: the clustered variance is the binomial one, times k / (k - 1).
    control = tally([(1, 1)] * 700 + [(1, 0)] * 300)
    arm = tally([(1, 1)] * 780 + [(1, 0)] * 220)
    assert width(relative_lift(arm, control)) == pytest.approx(width(per_session_lift(arm, control)), rel=2e-3)


def test_the_clustered_variance_by_hand() -> None:
    control = tally([(4, 4), (4, 2), (2, 0)])  # p0 = 6 / 10
    arm = tally([(3, 3), (3, 2), (4, 3)])  # p1 = 8 / 10
    var0 = 3 / 2 * ((4 - 0.6 * 4) ** 2 + (2 - 0.6 * 4) ** 2 + (0 - 0.6 * 2) ** 2) / 10**2 / 0.6**2
    var1 = 3 / 2 * ((3 - 0.8 * 3) ** 2 + (2 - 0.8 * 3) ** 2 + (3 - 0.8 * 4) ** 2) / 10**2 / 0.8**2
    se = math.sqrt(var0 + var1)
    lift, low, high = relative_lift(arm, control)  # type: ignore[misc]
    assert lift == pytest.approx(0.8 / 0.6 - 1)
    assert low == pytest.approx(math.exp(math.log(0.8 / 0.6) - 1.959964 * se) - 1, rel=1e-6)
    assert high == pytest.approx(math.exp(math.log(0.8 / 0.6) + 1.959964 * se) - 1, rel=1e-6)


def test_no_interval_from_one_patient_or_from_totals_alone() -> None:
    assert relative_lift(tally([(10, 7)]), tally([(10, 5), (10, 6)])) is None  # one patient in the arm
    assert relative_lift(Tally(5, 50, 35, 15), Tally(5, 50, 25, 25)) is None  # no per-patient sums
    assert per_session_lift(Tally(5, 50, 35, 15), Tally(5, 50, 25, 25)) is not None


def test_the_variance_is_the_cr1_sandwich_of_a_regression_on_sessions() -> None:
    # Independently, from the session rows: regress each session's outcome on an intercept (so X'X = N and the
    # estimate is p), then the CR1 sandwich with patients as clusters, k / (k - 1) * sum_g (X_g' u_g)**2 / N**2,
    # against the tally's per-patient sums of squares.
    import random

    rng = random.Random(3)
    patients = [(n, sum(rng.random() < q for _ in range(n)))
                for n, q in ((rng.randint(1, 12), rng.choice((0.2, 0.6, 0.95))) for _ in range(40))]
    rows = [[1.0] * a + [0.0] * (n - a) for n, a in patients]
    sessions = sum(len(r) for r in rows)
    p = sum(map(sum, rows)) / sessions
    meat = sum(sum(y - p for y in r) ** 2 for r in rows)
    k = len(rows)
    var_p = k / (k - 1) * meat / sessions**2
    assert _log_rate_var(tally(patients)) == pytest.approx(var_p / p**2, rel=1e-9)
