"""Precision and recall of the reply parser on labelled CSV files given on the command line.

    python -m iop_devkit.notifier.parser_metrics FILE.csv [FILE.csv ...]

Prints per-intent precision/recall, crisis recall and precision, the triage rate (ordinary rows, i.e. labels
other than crisis and concern, read as `concern`), the misread rows, and ends with one JSON line.
"""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from iop_notifier.domain.reply_parser import Expecting, parse_reply

_NOT_ORDINARY = frozenset({"crisis", "concern"})


@dataclass(frozen=True)
class Row:
    text: str
    expecting: Expecting
    intent: str
    value: int | None
    category: str = ""


@dataclass(frozen=True)
class Score:
    intent: str
    support: int
    precision: float
    recall: float


@dataclass(frozen=True)
class Summary:
    rows: int
    crisis_recall: float
    crisis_precision: float
    triage_rate: float
    per_intent: dict[str, Score]


def load(path: Path) -> list[Row]:
    """Rows of a CSV with columns text, expecting, intent, value (and optionally category)."""
    with path.open(newline="", encoding="utf-8") as f:
        return [Row(r["text"], Expecting(r["expecting"]), r["intent"], int(r["value"]) if r["value"] else None,
                    r.get("category") or "") for r in csv.DictReader(f)]


def predict(rows: list[Row]) -> list[tuple[Row, str, int | None]]:
    """Each row with the parser's intent and value."""
    out = []
    for row in rows:
        parsed = parse_reply(row.text, row.expecting)
        out.append((row, parsed.intent.value, parsed.value))
    return out


def evaluate(rows: list[Row]) -> tuple[Summary, list[tuple[Row, str, int | None]]]:
    """The summary and the misread rows (a score read with the wrong value counts as wrong)."""
    predicted = predict(rows)
    wrong = [(row, intent, value) for row, intent, value in predicted if (intent, value) != (row.intent, row.value)]
    per_intent = {}
    for intent in sorted({r.intent for r in rows}):
        tp = sum(1 for row, i, v in predicted if row.intent == intent and (i, v) == (intent, row.value))
        said = sum(1 for _, i, _ in predicted if i == intent)
        actual = sum(1 for row in rows if row.intent == intent)
        per_intent[intent] = Score(intent, actual, tp / said if said else 1.0, tp / actual if actual else 1.0)
    ordinary = [(row, i) for row, i, _ in predicted if row.intent not in _NOT_ORDINARY]
    triaged = sum(1 for _, i in ordinary if i == "concern")
    crisis = per_intent.get("crisis", Score("crisis", 0, 1.0, 1.0))
    return Summary(len(rows), crisis.recall, crisis.precision, triaged / len(ordinary) if ordinary else 0.0,
                   per_intent), wrong


def table(summary: Summary) -> str:
    lines = ["| intent | replies | precision | recall |", "|---|---|---|---|"]
    lines += [f"| {s.intent} | {s.support} | {s.precision:.3f} | {s.recall:.3f} |" for s in summary.per_intent.values()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    paths = [Path(p) for p in (sys.argv[1:] if argv is None else argv)]
    if not paths:
        print("usage: python -m iop_devkit.notifier.parser_metrics FILE.csv [FILE.csv ...]", file=sys.stderr)
        return 2
    rows = [row for path in paths for row in load(path)]
    summary, wrong = evaluate(rows)
    print(f"{summary.rows} labelled replies\n\n{table(summary)}\n")
    print(f"crisis recall {summary.crisis_recall:.3f}, crisis precision {summary.crisis_precision:.3f}, "
          f"triage rate {summary.triage_rate:.3f}")
    for row, intent, value in wrong:
        print(f"misread [{row.category or '-'}] {row.text!r} ({row.expecting}) labelled {row.intent} {row.value}, "
              f"read {intent} {value}")
    report = {k: v for k, v in asdict(summary).items() if k != "per_intent"}
    report["recall"] = {k: round(s.recall, 4) for k, s in summary.per_intent.items()}
    report["precision"] = {k: round(s.precision, 4) for k, s in summary.per_intent.items()}
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in report.items()}, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
