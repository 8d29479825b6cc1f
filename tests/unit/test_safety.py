"""Crisis, violence and danger to life are recognised in every language; everyday words are not."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message

from valkommen.core.languages import SUPPORTED_LANGUAGES
from valkommen.core.safety import CRISIS_FILE, CRISIS_SUPPORT, VIOLENCE_SUPPORT, carries_risk_word, load_terms, safety_topic
from valkommen.nlu.safety_override import SafetyOverride

CASES = yaml.safe_load((Path(__file__).resolve().parents[1] / "nlu" / "crisis_cases.yml").read_text(encoding="utf-8"))
SAFETY_TOPICS = {CRISIS_SUPPORT, VIOLENCE_SUPPORT, "emergency"}
KINDS = {"suicidal_thoughts", "self_harm", "child_harmed", "violence_at_home", "sexual_violence", "exploitation"}


def test_every_language_has_cases_of_every_kind():
    for language in SUPPORTED_LANGUAGES:
        assert {case["kind"] for case in CASES[language]["urgent"]} == KINDS, language
        assert len(CASES[language]["everyday"]) >= 10, language
        assert CASES[language]["conversations"], language


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_urgent_messages_get_their_safety_topic(language):
    wrong = [
        (case["text"], safety_topic(case["text"]))
        for case in CASES[language]["urgent"]
        if safety_topic(case["text"]) != case["topic"]
    ]
    assert wrong == []


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_everyday_messages_are_not_taken_for_a_crisis(language):
    false_alarms = [(text, safety_topic(text)) for text in CASES[language]["everyday"] if safety_topic(text)]
    assert false_alarms == []


@pytest.mark.parametrize(
    "text, topic",
    [
        ("jag orkar inte leva längre, jag vill dö", CRISIS_SUPPORT),
        ("أفكر في الانتحار، لا أريد أن أعيش", CRISIS_SUPPORT),
        ("я не хочу жити, думаю про самогубство", CRISIS_SUPPORT),
        ("i want to kill myself", CRISIS_SUPPORT),
        ("my stepfather touches me and I am 13", VIOLENCE_SUPPORT),
        ("my employer took my passport and doesn't pay me", VIOLENCE_SUPPORT),
        ("my son is not breathing", "emergency"),
    ],
)
def test_the_messages_that_failed_before_get_the_right_help(text, topic):
    assert safety_topic(text) == topic


@pytest.mark.parametrize("text", ["jag är dödstrött efter jobbet", "I could kill for a coffee", "my phone is dead"])
def test_guards_keep_everyday_phrases_out(text):
    assert safety_topic(text) is None
    assert not carries_risk_word(text)


@pytest.mark.parametrize(
    "text",
    ["I don't want to die", "я не хочу умереть", "не хочу померти", "ما بدي موت", "نمی‌خوام بمیرم", "نه غواړم مړ شم"],
)
def test_a_negated_wish_to_die_is_not_taken_for_one(text):
    assert safety_topic(text) is None
    assert not carries_risk_word(text)


@pytest.mark.parametrize(
    "text, topic",
    [
        ("نمی‌خوام بمیرم، شوهرم منو میزنه", VIOLENCE_SUPPORT),
        ("я не хочу умереть, он меня бьёт", VIOLENCE_SUPPORT),
    ],
)
def test_a_negated_wish_to_die_does_not_hide_the_rest_of_the_message(text, topic):
    assert safety_topic(text) == topic


def test_every_language_has_risk_words_and_phrases():
    terms = load_terms()
    assert all(terms.phrases[topic] for topic in SAFETY_TOPICS)
    raw = yaml.safe_load(CRISIS_FILE.read_text(encoding="utf-8"))
    for section in (CRISIS_SUPPORT, VIOLENCE_SUPPORT, "risk_words", "guards"):
        assert set(raw[section]) >= set(SUPPORTED_LANGUAGES), section


def test_the_override_wins_over_the_fallback_and_other_topics():
    message = Message(
        data={
            "text": "jag vill inte leva längre",
            "intent": {"name": "nlu_fallback", "confidence": 0.3},
            "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.3}, {"name": "school", "confidence": 0.2}],
        }
    )
    SafetyOverride().process([message])
    assert message.get("intent") == {"name": CRISIS_SUPPORT, "confidence": 1.0}


def test_a_fallback_with_a_risk_word_is_marked_and_others_are_not():
    risky = Message(data={"text": "självmord??", "intent": {"name": "nlu_fallback", "confidence": 0.2}})
    plain = Message(data={"text": "blablabla", "intent": {"name": "nlu_fallback", "confidence": 0.2}})
    SafetyOverride().process([risky, plain])
    assert risky.get("intent")["name"] in SAFETY_TOPICS or risky.get("risk") is True
    assert plain.get("risk") is None and plain.get("intent")["name"] == "nlu_fallback"


def test_the_classifier_alone_cannot_make_an_everyday_phrase_a_crisis():
    message = Message(
        data={
            "text": "jag är dödstrött, var finns närmaste café",
            "intent": {"name": CRISIS_SUPPORT, "confidence": 0.6},
            "intent_ranking": [{"name": CRISIS_SUPPORT, "confidence": 0.6}, {"name": "leisure", "confidence": 0.3}],
        }
    )
    SafetyOverride().process([message])
    assert message.get("intent")["name"] == "leisure"
    assert CRISIS_SUPPORT not in [r["name"] for r in message.get("intent_ranking")]


def test_a_crisis_phrase_beside_an_everyday_phrase_still_gets_the_crisis_answer():
    message = Message(
        data={"text": "jag är dödstrött och vill inte leva längre", "intent": {"name": "leisure", "confidence": 0.6}}
    )
    SafetyOverride().process([message])
    assert message.get("intent")["name"] == CRISIS_SUPPORT
