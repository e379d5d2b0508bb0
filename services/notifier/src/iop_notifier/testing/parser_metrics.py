"""Precision and recall of the reply parser per intent on a labelled corpus; `python -m` prints a table."""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from pathlib import Path

from iop_notifier.domain.reply_parser import Expecting, parse_reply

CORPUS = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "replies.csv"


@dataclass(frozen=True)
class Row:
    text: str
    expecting: Expecting
    intent: str
    value: int | None


@dataclass(frozen=True)
class Score:
    intent: str
    support: int
    precision: float
    recall: float


def load(path: Path = CORPUS) -> list[Row]:
    with path.open(newline="", encoding="utf-8") as f:
        return [Row(r["text"], Expecting(r["expecting"]), r["intent"], int(r["value"]) if r["value"] else None)
                for r in csv.DictReader(f)]


def evaluate(rows: list[Row]) -> tuple[list[Score], list[tuple[Row, str, int | None]]]:
    """Per-intent scores and the misread rows (a score read with the wrong value counts as wrong)."""
    predicted = [(row, parse_reply(row.text, row.expecting)) for row in rows]
    wrong = [(row, p.intent.value, p.value) for row, p in predicted
             if p.intent.value != row.intent or p.value != row.value]
    scores = []
    for intent in sorted({r.intent for r in rows}):
        tp = sum(1 for row, p in predicted if row.intent == intent and p.intent.value == intent
                 and p.value == row.value)
        said = sum(1 for _, p in predicted if p.intent.value == intent)
        actual = sum(1 for row in rows if row.intent == intent)
        scores.append(Score(intent, actual, tp / said if said else 1.0, tp / actual if actual else 1.0))
    return scores, wrong


def table(scores: list[Score]) -> str:
    lines = ["| intent | replies | precision | recall |", "|---|---|---|---|"]
    lines += [f"| {s.intent} | {s.support} | {s.precision:.3f} | {s.recall:.3f} |" for s in scores]
    return "\n".join(lines)


def main() -> None:
    rows = load(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS)
    scores, wrong = evaluate(rows)
    print(f"{len(rows)} labelled replies\n")
    print(table(scores))
    for row, intent, value in wrong:
        print(f"misread: {row.text!r} ({row.expecting}) labelled {row.intent} {row.value}, read {intent} {value}")


if __name__ == "__main__":
    main()
