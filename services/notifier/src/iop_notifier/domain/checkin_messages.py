"""Template variables of one questionnaire item, from the instruments file only (never from a clinic)."""

from __future__ import annotations

from typing import Any

from .instrument_set import LOCALES, InstrumentSet


def item_variables(instruments: InstrumentSet, instrument: str, item_index: int, reask: bool,
                   locale: str) -> dict[str, Any]:
    """The publisher's wording of one item and its digit scale; the stem only with the first item or a re-ask."""
    locale = locale if locale in LOCALES else "en"
    inst = instruments.instrument(instrument)
    scale = instruments.scale_of(instrument)
    item = instruments.items[inst.items[item_index]]
    first = item_index == 0 or reask
    return {"question": item.es if locale == "es" else item.en, "number": item_index + 1, "of": len(inst.items),
            "stem": inst.stem[locale] if first else "", "scale": scale.labels[locale], "reask": reask,
            "low": scale.min, "high": scale.max}
