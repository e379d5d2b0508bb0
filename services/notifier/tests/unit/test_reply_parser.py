import csv
import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iop_devkit.notifier.parser_metrics import Row, evaluate, load, main, table
from iop_notifier.domain.lexicon import CONFIRM_EMOJI
from iop_notifier.domain.reply_parser import Expecting, ParsedReply, parse_reply
from iop_shared.contracts.outbound import CheckinIntent as I

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DEV = FIXTURES / "eval" / "dev.csv"


@pytest.mark.unit
def test_dev_set_meets_the_recall_and_triage_targets() -> None:
    summary, wrong = evaluate(load(DEV))
    scores = summary.per_intent
    assert summary.rows >= 200
    assert summary.crisis_recall >= 0.98, [w for w in wrong if w[0].intent == "crisis"]
    assert summary.triage_rate <= 0.05, [w for w in wrong if w[1] == "concern"]
    assert scores["confirm"].recall >= 0.95, table(summary)
    assert scores["reschedule_request"].recall >= 0.95, table(summary)


@pytest.mark.unit
def test_no_hard_negative_of_the_dev_set_is_read_as_crisis() -> None:
    hard = [r for r in load(DEV) if r.category == "hard_negative"]
    assert len(hard) >= 10
    assert [r.text for r in hard if parse_reply(r.text, r.expecting).intent == I.crisis] == []


@pytest.mark.unit
def _by_the_label_guide(rows: list[Row]) -> list[Row]:
    """The evaluation sets' label guide, newer than this corpus and the probes: a lone 👍 answers a reminder yes."""
    return [replace(r, intent="confirm") if r.expecting is Expecting.reminder and r.text.strip() in CONFIRM_EMOJI
            else r for r in rows]


def test_project_corpus_keeps_perfect_crisis_recall() -> None:
    summary, wrong = evaluate(_by_the_label_guide(load(FIXTURES / "replies.csv")))
    assert summary.crisis_recall == 1.0, [w for w in wrong if w[0].intent == "crisis"]
    assert all(s.recall >= 0.9 and s.precision >= 0.9 for s in summary.per_intent.values()), table(summary)


@pytest.mark.unit
@pytest.mark.parametrize(("text", "intent"), [
    ("STOP", I.opt_out), ("  s t o p ", I.opt_out), ("Stop all", I.opt_out), ("OPT-OUT", I.opt_out),
    ("ALTO", I.opt_out), ("QUIT", I.opt_out), ("REVOKE", I.opt_out), ("remove me please", I.opt_out),
    ("START", I.opt_in), ("UNSTOP", I.opt_in), ("HELP", I.help), ("INFO", I.help), ("AYUDA", I.help),
    ("I want to die", I.crisis), ("stop i want to die", I.crisis), ("STOP. me quiero morir", I.crisis),
    ("stopp", I.opt_out), ("unsuscribe", I.opt_out), ("no mas msjs", I.opt_out), ("strat", I.opt_in),
    ("help please", I.help),
])
def test_keywords_are_case_and_spacing_tolerant_and_crisis_wins(text: str, intent: I) -> None:
    assert parse_reply(text).intent == intent


@pytest.mark.unit
@pytest.mark.parametrize("text", [
    # passive ideation and hopelessness
    "wish i could just go to sleep and never wake up", "everyone would be better off without me",
    "whats the point of living", "i'm a burden to everyone",
    # goodbyes and preparations
    "this is goodbye", "i wrote a letter for my mom", "giving away my things this week",
    # method plus intent without the word suicide
    "gonna take all my pills tonight", "took 30 tylenol", "im going to OD", "i od'd",
    # self-harm now or recently
    "i cut myself again last night", "hurting myself rn",
    # slang and euphemism
    "kys", "kms", "i want to unalive myself", "thinking about sewerslide", "self deleting tonight",
    # plain statements of danger
    "im not safe", "i dont feel safe with myself",
    # Spanish first person and reflexives, farewells, better off dead
    "me quiero matar", "quiero matarme", "me voy a suicidar", "estarían mejor sin mí", "mejor muerta",
    "adiós para siempre", "les dejé una carta",
    # relapse ending in wanting everything to stop
    "used again last night and i just want it all to stop",
    # tolerance: stretched letters, typos, text-speak, no apostrophes, emoji
    "i want to dieeeee", "i wnat to die", "want 2 die", "i cant go on", "🔪", "💊💊💊 taking them all",
    # third person stays crisis
    "my friend wants to kill herself", "mi hermano se quiere matar",
    # a negation that belongs to a new clause or subject does not soften ("im not ok i want to die")
    "im not ok i want to die", "ya no aguanto me quiero morir", "No, me quiero morir",
    # Spanish "si" is also "if", never a confirmation here
    "sería mejor si me muriera",
])
def test_crisis_kinds_from_the_issue(text: str) -> None:
    assert parse_reply(text, Expecting.mood).intent == I.crisis


@pytest.mark.unit
@pytest.mark.parametrize("text", [
    "this traffic is killing me", "dying to see you", "picked up my pills", "tomé mis pastillas",
    "me muero de hambre", "my phone died", "me corté el pelo", "I'm dead tired", "Paying my bills today",
    "me mató de risa tu mensaje", "i'd die for some tacos lol",
    "ok, last time you said 3pm", "that's odd",
])
def test_hard_negatives_are_never_crisis(text: str) -> None:
    assert parse_reply(text).intent != I.crisis


@pytest.mark.unit
@pytest.mark.parametrize("text", ["so proud of myself today", "hope you all have a good day"])
def test_known_false_alarms_of_the_learned_model_are_read_as_crisis(text: str) -> None:
    """The price of recall, kept visible: the model reads these as crisis; a test flags it when that changes."""
    assert parse_reply(text, use_model=False).intent != I.crisis
    assert parse_reply(text).intent == I.crisis


@pytest.mark.unit
@pytest.mark.parametrize("text", [
    "not suicidal just tired", "i dont want to die but im struggling", "no es que me quiera morir",
    "last year i tried to overdose, rough day",
])
def test_negated_or_past_crisis_is_read_by_a_person(text: str) -> None:
    # The lexicon alone reads these as concern; the learned model may page them as a crisis (recall first).
    assert parse_reply(text, Expecting.mood, use_model=False).intent == I.concern
    assert parse_reply(text, Expecting.mood).intent in (I.concern, I.crisis)


@pytest.mark.unit
@pytest.mark.parametrize(("text", "intent"), [
    ("having a really bad week", I.concern), ("what time is group?", I.concern),
    ("asdfgh", I.concern), ("😭", I.concern), ("thanks", I.other), ("gracias", I.other), ("got it", I.other),
    ("👍", I.confirm), ("lol ok", I.other),
])
def test_unreadable_becomes_concern_and_acknowledgements_stay_other(text: str, intent: I) -> None:
    assert parse_reply(text).intent == intent


@pytest.mark.unit
def test_a_relapse_reaches_a_person() -> None:
    assert parse_reply("relapsed last night").intent in (I.concern, I.crisis)


@pytest.mark.unit
@pytest.mark.parametrize(("text", "expecting", "intent", "value"), [
    ("one", Expecting.reminder, I.confirm, None), ("uno", Expecting.reminder, I.confirm, None),
    ("1 thanks", Expecting.reminder, I.confirm, None), ("2 please", Expecting.reminder, I.reschedule_request, None),
    ("two", Expecting.reminder, I.reschedule_request, None), ("dos", Expecting.reminder, I.reschedule_request, None),
    ("2 - my car broke down", Expecting.reminder, I.reschedule_request, None),
    ("ok", Expecting.reminder, I.confirm, None), ("ok", Expecting.mood, I.other, None),
    ("I'm a 4 today", Expecting.mood, I.mood, 4), ("seven", Expecting.mood, I.mood, 7),
    ("cinco", Expecting.craving, I.craving, 5), ("7/10", Expecting.mood, I.mood, 7),
    ("craving 9", Expecting.mood, I.craving, 9), ("5 but my landlord is evicting me", Expecting.mood, I.concern, None),
    ("1 but i have no ride", Expecting.reminder, I.concern, None), ("3 or 4", Expecting.mood, I.concern, None),
    ("no estoy segura", Expecting.reminder, I.crisis, None),  # also "I am not safe": the model pages it
    # No confirmation. Unsure whether they come: the step-8 model sends it to a person (the step-6 model did not).
    ("not sure", Expecting.reminder, I.concern, None),
    ("si voy", Expecting.reminder, I.confirm, None), ("ill b there", Expecting.reminder, I.confirm, None),
    ("c u there", Expecting.reminder, I.confirm, None), ("none", Expecting.craving, I.craving, 0),
    ("not thursday, maybe monday?", Expecting.reminder, I.reschedule_request, None),
])
def test_numbers_as_words_and_digits_with_words(text: str, expecting: Expecting, intent: I, value: int | None) -> None:
    assert parse_reply(text, expecting) == ParsedReply(intent, value)


@pytest.mark.unit
def test_cancel_with_more_words_is_not_an_opt_out() -> None:
    assert parse_reply("cancel tuesday please").intent != I.opt_out
    assert parse_reply("CANCEL").intent == I.opt_out


@pytest.mark.unit
def test_yes_means_opt_in_only_for_someone_opted_out() -> None:
    assert parse_reply("YES").intent == I.confirm
    assert parse_reply("YES", opted_out=True).intent == I.opt_in


@pytest.mark.unit
@given(st.text(max_size=200), st.sampled_from(list(Expecting)), st.booleans())
def test_parser_never_fails_and_scores_stay_in_range(text: str, expecting: Expecting, opted_out: bool) -> None:
    parsed = parse_reply(text, expecting, opted_out=opted_out)
    assert parsed.value is None or 0 <= parsed.value <= 10


@pytest.mark.unit
@given(st.sampled_from(["kill myself", "want to die", "suicide", "overdose", "quiero morir", "me quiero matar",
                        "unalive", "not safe", "better off without me"]),
       st.text(alphabet="abc .,!", max_size=20), st.text(alphabet="xyz .?", max_size=20))
def test_crisis_phrases_are_found_anywhere_in_a_reply(phrase: str, before: str, after: str) -> None:
    assert parse_reply(f"{before} {phrase.upper()} {after}").intent == I.crisis


@pytest.mark.unit
def test_metrics_command_prints_the_triage_rate_and_ends_with_one_json_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(DEV), str(FIXTURES / "replies.csv")]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    report = json.loads(lines[-1])
    assert report["rows"] == len(load(DEV)) + len(load(FIXTURES / "replies.csv"))
    assert {"crisis_recall", "crisis_precision", "triage_rate", "recall", "precision"} <= set(report)
    assert any(line.startswith("crisis recall") and "triage rate" in line for line in lines)
    assert main([]) == 2


@pytest.mark.unit
def test_the_detector_authors_probe_set_stays_read_as_labelled() -> None:
    """Paraphrases written while building the detector (an upper bound, like the dev set): a regression net."""
    rows = list(csv.DictReader((FIXTURES / "detector_probes.csv").open(encoding="utf-8")))
    assert len(rows) >= 500
    wrong, false_alarms = [], []
    for row in rows:
        read = parse_reply(row["text"], Expecting(row["expecting"])).intent.value
        if row["expecting"] == "reminder" and row["text"].strip() in CONFIRM_EMOJI:
            row = {**row, "intent": "confirm"}  # the evaluation sets' label guide: a lone 👍 answers yes
        if row["intent"] != "crisis" and read == "crisis":
            false_alarms.append(row["text"])  # the learned model's price of recall, bounded below
        elif (read == "crisis") != (row["intent"] == "crisis") or (row["intent"] not in ("crisis", "not_crisis")
                                                                   and read != row["intent"]):
            wrong.append((row["category"], row["text"], row["intent"], read))
    assert wrong == []
    assert len(false_alarms) <= 0.025 * sum(r["intent"] != "crisis" for r in rows), false_alarms
