"""Danger to life is recognised in every language, and everyday questions are not."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message

from valkommen.core.emergency import load_phrases, matching_phrase, normalise
from valkommen.core.languages import SUPPORTED_LANGUAGES
from valkommen.core.safety import safety_topic
from valkommen.nlu.safety_override import SafetyOverride

CASES = yaml.safe_load((Path(__file__).resolve().parents[1] / "nlu" / "emergency_cases.yml").read_text(encoding="utf-8"))


def test_every_language_has_emergency_phrases():
    assert set(load_phrases()) >= set(SUPPORTED_LANGUAGES)


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_urgent_messages_are_recognised(language):
    missed = [text for text in CASES[language]["urgent"] if matching_phrase(text) is None]
    assert missed == []
    assert [text for text in CASES[language]["urgent"] if safety_topic(text) != "emergency"] == []


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_everyday_messages_are_not_taken_for_emergencies(language):
    false_alarms = [(text, safety_topic(text)) for text in CASES[language]["not_urgent"] if safety_topic(text)]
    assert false_alarms == []


def test_matching_ignores_case_diacritics_and_spacing():
    assert normalise("  Andas   INTE ") == "andas inte"
    assert normalise("لا يَتنفّس") == "لا يتنفس"


def test_the_override_wins_over_fallback_and_other_topics():
    message = Message(
        data={
            "text": "my son fell at school and is not breathing",
            "intent": {"name": "nlu_fallback", "confidence": 0.4},
            "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.4}, {"name": "school", "confidence": 0.3}],
        }
    )
    SafetyOverride().process([message])
    assert message.get("intent") == {"name": "emergency", "confidence": 1.0}
    assert [r["name"] for r in message.get("intent_ranking")][:2] == ["emergency", "nlu_fallback"]


def test_the_override_leaves_other_messages_alone():
    message = Message(data={"text": "how do I apply for SFI", "intent": {"name": "sfi", "confidence": 0.9}})
    SafetyOverride().process([message])
    assert message.get("intent")["name"] == "sfi"
