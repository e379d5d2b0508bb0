"""The one stratified dev/held-out split behind every reply evaluation set's `split.py`.

Each set was split once, with its own seed and its own way of placing an odd stratum's extra row; `Rule`
names those ways so each set's script keeps reproducing exactly the halves it made.
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

Row = dict[str, str]
FIELDS = ["text", "expecting", "intent", "value", "lang", "category"]


@dataclass(frozen=True)
class Rule:
    """Where an odd stratum's extra row goes and in which order the halves are written."""

    first_odd_to_dev: bool = False  # the first odd stratum's extra row goes to dev (else to heldout)
    alternate: bool = True  # later odd strata alternate sides; False: every extra row goes the first one's way
    extra_is_last: bool = False  # the extra row is the shuffled stratum's last, else the one at the cut
    held_first: bool = False  # heldout takes the front of each shuffled stratum, dev the rest
    file_order: bool = False  # both halves keep the all-rows order, else the shuffled order


def _cut(group: list[int], extra_to_dev: bool | None, rule: Rule) -> tuple[list[int], list[int]]:
    """(dev, heldout) of one shuffled stratum; extra_to_dev is None for an even one."""
    half = len(group) // 2
    if extra_to_dev is not None and rule.extra_is_last:
        dev, held = group[:half], group[half:2 * half]
        (dev if extra_to_dev else held).append(group[-1])
        return dev, held
    if rule.held_first:
        cut = half + (1 if extra_to_dev is False else 0)
        return group[cut:], group[:cut]
    cut = half + (1 if extra_to_dev else 0)
    return group[:cut], group[cut:]


def stratified_halves(rows: Sequence[Row], seed: int, rule: Rule = Rule(),
                      by: tuple[str, str] = ("intent", "lang")) -> tuple[list[Row], list[Row]]:
    """Shuffle each stratum with one seeded RNG, strata in sorted order, and give half of each to each side."""
    strata: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        strata[(row[by[0]], row[by[1]])].append(i)
    rng = random.Random(seed)
    dev: list[int] = []
    held: list[int] = []
    odd_to_dev = rule.first_odd_to_dev
    for key in sorted(strata):
        group = strata[key][:]
        rng.shuffle(group)
        extra_to_dev = odd_to_dev if len(group) % 2 else None
        if extra_to_dev is not None and rule.alternate:
            odd_to_dev = not odd_to_dev
        part_dev, part_held = _cut(group, extra_to_dev, rule)
        dev += part_dev
        held += part_held
    if rule.file_order:
        dev, held = sorted(dev), sorted(held)
    return [rows[i] for i in dev], [rows[i] for i in held]


def read_csv(path: Path) -> tuple[list[str], list[Row]]:
    """(header, rows) of an all-rows file, in file order."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def write_csv(path: Path, rows: Iterable[Row], fields: Sequence[str] = FIELDS) -> None:
    """Write rows with the csv module's default quoting and line ends, UTF-8."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def write_halves(folder: Path, dev: Iterable[Row], held: Iterable[Row], fields: Sequence[str] = FIELDS) -> None:
    """dev.csv and heldout.csv in folder."""
    write_csv(folder / "dev.csv", dev, fields)
    write_csv(folder / "heldout.csv", held, fields)


def split_file(source: Path, folder: Path, seed: int, rule: Rule,
               fields: Sequence[str] | None = FIELDS) -> tuple[int, int]:
    """Split an all-rows file into folder's dev.csv and heldout.csv (fields None: the source's header)."""
    header, rows = read_csv(source)
    dev, held = stratified_halves(rows, seed, rule)
    write_halves(folder, dev, held, header if fields is None else fields)
    return len(dev), len(held)
