"""A second reader beside the lexicons: a linear model over character n-grams, learned from labelled replies.

Lexicons catch the wording they list; patients write wording nobody listed. Character n-grams (2 to 5 letters
inside each word, as scikit-learn's `char_wb` analyzer makes them) carry Spanish inflections, misspellings and
slang that a phrase list misses. The model is trained by `services/notifier/training/train_reply_model.py`
and shipped as data (`lexicons/reply_model.json`); this module only reads it, in pure Python, with no I/O
after the first load. Its figures and training files are in docs/reply-parser.md.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources

_STRETCH = re.compile(r"(.)\1{2,}")
_SPACE = re.compile(r"\s+")


def model_text(text: str) -> str:
    """Lowercase, accents removed, letters stretched 3+ times cut to two; emoji and punctuation kept."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))
    return _SPACE.sub(" ", _STRETCH.sub(r"\1\1", folded)).strip()


def ngrams(text: str, low: int, high: int) -> Counter[str]:
    """scikit-learn's `char_wb` n-grams: each word padded with one space, n from `low` to `high`."""
    grams: Counter[str] = Counter()
    for word in text.split():
        padded = f" {word} "
        for n in range(low, high + 1):
            grams.update(padded[i:i + n] for i in range(max(1, len(padded) - n + 1)))
            if len(padded) <= n:  # a word no longer than n counts once, whole, and ends the sizes
                break
    return grams


@dataclass(frozen=True)
class ReplyModel:
    """The exported weights: an idf and one weight per class for each n-gram, an intercept per class."""

    version: str
    classes: tuple[str, ...]
    low: int
    high: int
    features: dict[str, tuple[float, tuple[float, ...]]]
    intercepts: tuple[float, ...]
    thresholds: dict[str, float]

    def probabilities(self, text: str) -> dict[str, float]:
        """Class probabilities of one reply (softmax of the linear scores over its tf-idf vector)."""
        weighted = {}
        for gram, count in ngrams(model_text(text), self.low, self.high).items():
            known = self.features.get(gram)
            if known is not None:
                weighted[gram] = (1.0 + math.log(count)) * known[0]
        norm = math.sqrt(sum(v * v for v in weighted.values())) or 1.0
        scores = list(self.intercepts)
        for gram, value in weighted.items():
            for k, coef in enumerate(self.features[gram][1]):
                scores[k] += coef * value / norm
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        total = sum(exp)
        return {c: e / total for c, e in zip(self.classes, exp, strict=True)}


def from_json(raw: dict[str, object]) -> ReplyModel:
    """A model from its exported JSON (validated enough to fail loudly on a truncated or foreign file)."""
    classes = tuple(str(c) for c in raw["classes"])  # type: ignore[attr-defined]
    features = {str(g): (float(v[0]), tuple(float(c) for c in v[1])) for g, v in raw["features"].items()}  # type: ignore[attr-defined]
    if not features or any(len(w) != len(classes) for _, w in features.values()):
        raise ValueError("reply model: every feature needs one weight per class")
    return ReplyModel(str(raw["version"]), classes, int(raw["ngram_low"]), int(raw["ngram_high"]),  # type: ignore[call-overload]
                      features, tuple(float(i) for i in raw["intercepts"]),  # type: ignore[attr-defined]
                      {str(k): float(v) for k, v in raw["thresholds"].items()})  # type: ignore[attr-defined]


@cache
def load() -> ReplyModel:
    """The packaged model, read once."""
    path = resources.files("iop_notifier.domain.lexicons").joinpath("reply_model.json")
    return from_json(json.loads(path.read_text(encoding="utf-8")))
