"""`iopctl experiments report ID`: per arm the patients, sessions, attended and no-show rates, and each arm's
relative lift in attendance over control with a 95 % interval (per patient), from the attendance service's visits.

The outcomes query and the report are the ones the dashboard shows (iop_attendance.adapters.experiments,
iop_shared.experiments.summarize), so both print the same numbers."""

from __future__ import annotations

import asyncio
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import asyncpg
import typer
from pydantic import TypeAdapter
from rich.console import Console
from rich.table import Table

from iop_attendance.adapters.experiments import outcomes
from iop_shared.experiments import ArmReport, Experiment, PatientOutcome, as_json, summarize

app = typer.Typer(help="Reminder experiments measured by attendance.", no_args_is_help=True)
console = Console()


def load(definitions: Path, experiment_id: str) -> Experiment:
    """The experiment `experiment_id` of a JSON file holding one experiment or a list of them."""
    data = json.loads(definitions.read_text(encoding="utf-8"))
    found = [e for e in TypeAdapter(list[Experiment]).validate_python(data if isinstance(data, list) else [data])
             if e.experiment_id == experiment_id]
    if not found:
        raise typer.BadParameter(f"no experiment {experiment_id!r} in {definitions}")
    return found[0]


async def read_outcomes(dsn: str, schema: str, experiment: Experiment, now: datetime) -> list[PatientOutcome]:
    """The experiment's per-patient outcomes, read straight from the attendance service's schema."""
    conn = await asyncpg.connect(dsn, server_settings={"search_path": schema})
    try:
        return await outcomes(conn, experiment.clinic_id, experiment.starts_at, experiment.ends_at, now,
                              experiment.programs)
    finally:
        await conn.close()


def _pct(x: float | None) -> str:
    return "" if x is None else f"{x * 100:+.1f}%"


def show(experiment: Experiment, rows: list[ArmReport]) -> None:
    table = Table(title=f"experiment {experiment.experiment_id} ({experiment.clinic_id})")
    for col in ("arm", "patients", "sessions", "attended", "no-show", "lift vs control", "95% CI"):
        table.add_column(col)
    for r in rows:
        ci = "" if r.ci_low is None else f"[{_pct(r.ci_low)}, {_pct(r.ci_high)}]"
        table.add_row(r.arm + (" (control)" if r.control else ""), str(r.tally.patients), str(r.tally.sessions),
                      f"{r.attended_rate:.1%}", f"{r.no_show_rate:.1%}", _pct(r.lift), ci)
    console.print(table)
    print(json.dumps(as_json(experiment, rows)))


@app.command("report")
def report_command(
        experiment_id: str,
        definitions: Annotated[Path, typer.Option("--definitions", help="JSON file of experiment definitions")],
        schema: Annotated[str, typer.Option(help="the attendance service's schema")] = "attendance") -> None:
    """Per arm: patients, sessions, attended and no-show rates; lift over control with a 95 % interval."""
    experiment = load(definitions, experiment_id)
    dsn = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:15432/iop")
    rows = summarize(experiment, asyncio.run(read_outcomes(dsn, schema, experiment, datetime.now(UTC))))
    show(experiment, rows)
