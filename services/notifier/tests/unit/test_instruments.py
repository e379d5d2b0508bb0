import re

import pytest

from iop_notifier.domain.instrument_set import InstrumentError, load, parse

PHQ9_EN_ITEM9 = "Thoughts that you would be better off dead or of hurting yourself in some way"


@pytest.mark.unit
def test_packaged_instruments_are_versioned_cited_and_bilingual() -> None:
    s = load()
    assert s.version and {"pfizer-phq", "pfizer-phq-es", "loinc"} <= {src.id for src in s.sources}
    assert set(s.instruments) == {"phq2", "phq9", "gad2", "gad7", "craving"}
    for item in s.items.values():
        assert item.en.strip() and item.es.strip()
    assert len(s.instrument("phq9").items) == 9 and len(s.instrument("gad7").items) == 7
    assert s.instrument("phq2").items == s.instrument("phq9").items[:2]
    assert s.instrument("gad2").items == s.instrument("gad7").items[:2]


@pytest.mark.unit
def test_wording_is_the_publishers_and_the_scale_is_digits() -> None:
    s = load()
    assert s.items["phq9.9"].en == PHQ9_EN_ITEM9
    assert s.items["phq9.1"].en == "Little interest or pleasure in doing things"
    assert s.items["gad7.7"].en == "Feeling afraid as if something awful might happen"
    assert s.instrument("phq9").stem["en"].startswith("Over the last 2 weeks, how often have you been bothered")
    assert s.instrument("phq9").stem["es"].startswith("Durante las últimas 2 semanas")
    assert re.findall(r"\d", s.scales["frequency"].labels["en"]) == ["0", "1", "2", "3"]


@pytest.mark.unit
def test_loinc_codes_are_the_looked_up_ones() -> None:
    s = load()
    codes = {n: (s.instrument(n).loinc_panel, s.instrument(n).loinc_total) for n in ("phq2", "phq9", "gad2", "gad7")}
    assert codes == {"phq2": ("55757-9", "55758-7"), "phq9": ("44249-1", "44261-6"),
                     "gad2": (None, "70272-0"), "gad7": ("69737-5", "70274-6")}
    assert s.items["phq9.9"].loinc == "44260-8"


@pytest.mark.unit
@pytest.mark.parametrize(("name", "total", "band"), [
    ("phq9", 0, "minimal"), ("phq9", 4, "minimal"), ("phq9", 5, "mild"), ("phq9", 10, "moderate"),
    ("phq9", 15, "moderately_severe"), ("phq9", 20, "severe"), ("phq9", 27, "severe"),
    ("gad7", 9, "mild"), ("gad7", 10, "moderate"), ("gad7", 21, "severe"), ("phq2", 6, None)])
def test_bands(name: str, total: int, band: str | None) -> None:
    assert load().band(name, total) == band


@pytest.mark.unit
def test_screeners_continue_at_three_and_flags_at_ten() -> None:
    s = load()
    assert s.next_instrument("phq2", 2) is None and s.next_instrument("phq2", 3) == "phq9"
    assert s.next_instrument("gad2", 2) is None and s.next_instrument("gad2", 3) == "gad7"
    assert s.instrument("phq9").flag_at == 10 and s.instrument("gad7").flag_at == 10
    assert s.instrument("phq9").critical_item == "phq9.9"


@pytest.mark.unit
def test_totals_check_every_answer_against_the_scale() -> None:
    s = load()
    assert s.total("phq9", [3] * 9) == 27 and s.total("craving", [10]) == 10
    with pytest.raises(ValueError, match="outside"):
        s.total("phq9", [4] + [0] * 8)
    with pytest.raises(ValueError, match="one answer per item"):
        s.total("gad7", [0] * 6)


@pytest.mark.unit
def test_a_malformed_file_is_refused_naming_the_entry() -> None:
    with pytest.raises(InstrumentError, match="instruments entry version"):
        parse("sources: []\n")
    text = load().model_dump_json()
    with pytest.raises(InstrumentError, match="unknown items"):
        parse(text.replace('"gad7.7"]', '"gad7.8"]'))
    with pytest.raises(InstrumentError, match="bands must start at 0 and rise"):
        parse(text.replace('{"at_least":5,"band":"mild"}', '{"at_least":25,"band":"mild"}', 1))
