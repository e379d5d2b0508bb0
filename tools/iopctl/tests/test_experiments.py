"""Experiments: deterministic, weighted assignment; and `iopctl experiments report` over a simulated run of 2,000
patients in a real attendance schema, whose per-arm rates and 95 % interval find the simulated effect."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from iop_ctl.main import app
from iop_devkit.experiments import ATTEND, experiment, simulate
from iop_shared.experiments import Experiment, Tally, assign, relative_lift


@pytest.mark.unit
def test_assignment_is_deterministic_and_follows_the_weights() -> None:
    e = experiment()
    arms = Counter(assign(e, f"p{i}").name for i in range(8000))
    assert all(assign(e, f"p{i}") == assign(e, f"p{i}") for i in range(100))
    assert abs(arms["control"] / 8000 - 0.5) < 0.03 and abs(arms["short-note"] / 8000 - 0.25) < 0.03


@pytest.mark.unit
def test_an_experiment_needs_one_control_and_lock_screen_safe_wording() -> None:
    base = experiment().model_dump(mode="json")
    with pytest.raises(ValidationError, match="control"):
        Experiment.model_validate({**base, "arms": [{**a, "control": False} for a in base["arms"]]})
    with pytest.raises(ValidationError, match="clinical word"):
        Experiment.model_validate({**base, "arms": [*base["arms"][:2], {"name": "x", "template_variant":
                                                                         "Your therapy group awaits"}]})


@pytest.mark.unit
def test_no_interval_without_events() -> None:
    assert relative_lift(Tally(1, 4, 0, 4), Tally(1, 4, 2, 2)) is None


@pytest.mark.integration
async def test_a_simulated_run_of_2000_patients_reports_per_arm_rates_and_the_interval(
        database_url: str, pg_schema: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    await simulate(database_url, pg_schema, 2000)
    definitions = tmp_path / "experiments.json"
    definitions.write_text(json.dumps([experiment().model_dump(mode="json")]))
    monkeypatch.setenv("DATABASE_URL", database_url)
    result = await asyncio.to_thread(CliRunner().invoke, app, ["experiments", "report", "exp-1", "--definitions",
                                                               str(definitions), "--schema", pg_schema])
    assert result.exit_code == 0, result.output
    print(result.output)
    arms = {a["arm"]: a for a in json.loads(result.output.strip().splitlines()[-1])["arms"]}
    assert sum(a["patients"] for a in arms.values()) == 2000  # clinic-b's patient is not counted
    assert all(a["sessions"] == 4 * a["patients"] for a in arms.values())
    for name, truth in ATTEND.items():
        assert abs(arms[name]["attended_rate"] - truth) < 0.04
        assert abs(arms[name]["no_show_rate"] - (1 - truth)) < 0.04
    low, high = arms["short-note"]["ci95"]
    assert low > 0 and low < 0.78 / 0.70 - 1 < high  # a real effect: the interval excludes 0, holds the truth
    low, high = arms["extra-2h"]["ci95"]
    assert low < 0 < high  # no effect: the interval spans 0
    assert arms["control"]["lift"] is None and "95% CI" in result.output
