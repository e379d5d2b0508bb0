"""The learned reply model: the pure reader gives scikit-learn's probabilities, and never saw the frozen set."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest

from iop_notifier.domain import reply_model
from iop_notifier.domain.reply_parser import Expecting, parse_reply

pytestmark = pytest.mark.unit
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _raw() -> dict[str, object]:
    path = resources.files("iop_notifier.domain.lexicons").joinpath("reply_model.json")
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_the_pure_reader_gives_the_probabilities_scikit_learn_gave_at_training() -> None:
    model = reply_model.load()
    checks = _raw()["checks"]
    assert len(checks) >= 5  # type: ignore[arg-type]
    for check in checks:  # type: ignore[attr-defined]
        got = model.probabilities(check["text"])
        assert [round(got[c], 4) for c in model.classes] == pytest.approx([round(p, 4) for p in check["p"]], abs=2e-4)


def test_ngrams_follow_scikit_learns_char_wb_for_short_and_long_words() -> None:
    assert reply_model.ngrams("a bc", 2, 5) == Counter(
        {" a": 1, "a ": 1, " a ": 1, " b": 1, "bc": 1, "c ": 1, " bc": 1, "bc ": 1, " bc ": 1})
    assert reply_model.ngrams("dieee", 4, 4) == Counter({" die": 1, "diee": 1, "ieee": 1, "eee ": 1})


def test_text_is_folded_but_emoji_are_kept() -> None:
    assert reply_model.model_text("  NO PUEDO MÁS   😭😭 ") == "no puedo mas 😭😭"
    assert reply_model.model_text("pleeeease") == "pleease"


def test_the_frozen_held_out_set_never_trained_the_model() -> None:
    trained_on: dict[str, str] = _raw()["trained_on"]  # type: ignore[assignment]
    assert "eval6/heldout.csv" not in trained_on  # the frozen set (test_reply_heldout.FROZEN)
    for name, digest in trained_on.items():  # the files it names are the files it learned from
        assert hashlib.sha256((FIXTURES / name).read_bytes()).hexdigest() == digest, name
        if name.endswith("heldout.csv"):  # a held-out half trains only once its set's README retires it
            assert "status: retired" in (FIXTURES / name).parent.joinpath("README.md").read_text().lower(), name


def test_a_model_file_without_a_weight_per_class_is_refused() -> None:
    raw = {**_raw(), "features": {"ab": [1.0, [0.5]]}}
    with pytest.raises(ValueError, match="one weight per class"):
        reply_model.from_json(raw)


def test_the_model_adds_crisis_readings_but_never_overrides_an_opt_out_it_is_unsure_of() -> None:
    assert parse_reply("take me off this list", Expecting.reminder).intent.value == "opt_out"
    assert parse_reply("STOP i want to die", Expecting.reminder).intent.value == "crisis"
    assert parse_reply("👍", Expecting.reminder).intent.value == "confirm"
