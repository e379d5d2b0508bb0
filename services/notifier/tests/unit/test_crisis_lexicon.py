import pytest

from iop_notifier.domain.crisis_lexicon import LexiconError, load, parse


@pytest.mark.unit
def test_packaged_lexicon_is_versioned_cited_and_covers_both_languages() -> None:
    lexicon = load()
    assert lexicon.version
    assert len(lexicon.sources) >= 10 and all(s.url.startswith("http") for s in lexicon.sources)
    assert set(lexicon.languages) == {"en", "es"}
    for lang in lexicon.languages.values():
        assert lang.crisis.passive_ideation and lang.crisis.slang and lang.negation and lang.third_person


def _minimal(entry: str = "kill myself", pattern: str = "x") -> str:
    lists = "\n".join(f"      {c}: ['{entry}']" for c in (
        "active_ideation", "passive_ideation", "goodbye_preparation", "method_intent", "self_harm", "slang",
        "unsafe", "relapse_stop", "plain"))
    return f"""
version: "1"
sources: [{{id: a, title: "A title", url: "https://example.org/a", used_for: b}}]
languages:
  en:
    crisis:
{lists}
    words: {{fuzzy: [suicide], exact: [od]}}
    patterns: ['{pattern}']
    message_patterns: ['y']
    means: {{lethal: [gun], medication: [pills], quantity: [all]}}
    emoji:
      crisis: ["🔪"]
      medication: ["💊"]
      words: {{"💀": dead}}
      with_medication: ["💀"]
      concern: ["😭"]
      benign: ["👍"]
    concern: [sad]
    negation: [not]
    contrast: [but]
    past: [last year]
    present: [now]
    adherence: [as prescribed]
    third_person: [friend]
    idioms: [dying to]
    fillers: [just]
    real_words: [nose]
    textspeak: {{u: you}}
"""


@pytest.mark.unit
def test_a_valid_minimal_lexicon_parses() -> None:
    assert parse(_minimal()).languages["en"].crisis.slang == ["kill myself"]


@pytest.mark.unit
@pytest.mark.parametrize(("text", "where"), [
    (_minimal(entry="!!!"), "languages.en.crisis.active_ideation.0"),
    (_minimal(pattern="(("), "languages.en.patterns.0"),
    (_minimal().replace("https://example.org/a", "not a url"), "sources.0.url"),
    (_minimal().replace("    fillers: [just]\n", ""), "languages.en.fillers"),
])
def test_a_bad_entry_is_named_in_the_error(text: str, where: str) -> None:
    with pytest.raises(LexiconError, match=where.replace(".", r"\.")):
        parse(text)
