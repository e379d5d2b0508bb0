"""The evaluation sets' one split: each rule places an odd stratum's extra row where its set's script did."""

import pytest

from iop_devkit.evalsplit import Row, Rule, stratified_halves

pytestmark = pytest.mark.unit


def rows(*sizes: int) -> list[Row]:
    """Strata of the given sizes, interleaved so file order differs from stratum order."""
    out = [{"text": f"{s}-{k}", "intent": f"i{s}", "lang": "en"} for s, n in enumerate(sizes) for k in range(n)]
    return out[::2] + out[1::2]


@pytest.mark.parametrize("rule", [Rule(), Rule(first_odd_to_dev=True), Rule(extra_is_last=True),
                                  Rule(held_first=True), Rule(file_order=True, alternate=False)])
def test_every_row_lands_in_exactly_one_half(rule: Rule) -> None:
    data = rows(5, 4, 3, 1)
    dev, held = stratified_halves(data, 7, rule)
    assert sorted(r["text"] for r in dev + held) == sorted(r["text"] for r in data)


def test_odd_strata_alternate_their_extra_row_starting_where_the_rule_says() -> None:
    sizes = [len([r for r in half if r["intent"] == f"i{s}"]) for half in
             stratified_halves(rows(3, 3, 2), 1, Rule(first_odd_to_dev=True)) for s in range(3)]
    assert sizes == [2, 1, 1, 1, 2, 1]


def test_without_alternation_every_extra_row_goes_the_same_way() -> None:
    dev, held = stratified_halves(rows(3, 5, 1), 1, Rule(first_odd_to_dev=True, alternate=False))
    assert (len(dev), len(held)) == (6, 3)
    dev, held = stratified_halves(rows(3, 5, 1), 1, Rule(first_odd_to_dev=True, alternate=False, held_first=True))
    assert (len(dev), len(held)) == (6, 3)


def test_file_order_keeps_the_all_rows_order_and_the_default_does_not_have_to() -> None:
    data = rows(8, 8)
    dev, held = stratified_halves(data, 3, Rule(file_order=True))
    position = {r["text"]: i for i, r in enumerate(data)}
    assert [position[r["text"]] for r in dev] == sorted(position[r["text"]] for r in dev)
    assert [position[r["text"]] for r in held] == sorted(position[r["text"]] for r in held)


def test_the_extra_row_is_the_shuffled_last_under_extra_is_last_and_the_cut_row_otherwise() -> None:
    data = rows(5)
    at_cut, _ = stratified_halves(data, 11, Rule(first_odd_to_dev=True))
    last, _ = stratified_halves(data, 11, Rule(first_odd_to_dev=True, extra_is_last=True))
    assert at_cut[:2] == last[:2] and len(at_cut) == len(last) == 3 and at_cut[2] != last[2]
