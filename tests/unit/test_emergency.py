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


@pytest.mark.parametrize(
    "typed, other",
    [
        ("ring ١١٢ nu", "ring 112 nu"),  # Arabic-Indic digits
        ("به ۱۱۲ زنگ بزنید", "به 112 زنگ بزنید"),  # Persian digits
        ("YAŞAMAK İSTEMİYORUM", "yasamak istemiyorum"),  # Turkish İ and ı
        ("nefes alamıyor", "nefes alamiyor"),
        ("всё горит", "все горит"),  # Russian ё, й
        ("мой муж", "мои муж"),
        ("می‌خوام بمیرم", "میخوام بمیرم"),  # Persian ZWNJ
        ("خودكشي", "خودکشی"),  # Arabic kaf and yeh
        ("دەمەوێت بمرم", "دهمهویت بمرم"),  # Sorani letters on a Persian keyboard
        ("ده‌مه‌وێت", "دەمەوێت"),  # older Sorani spelling with ZWNJ
        ("ځان ووژنم", "زان ووژنم"),  # Pashto letters on a Persian keyboard
        ("ټولې ګولۍ", "تولی گولی"),
        ("جلطة", "جلطه"),  # taa marbuta
        ("يـضـربني", "يضربني"),  # tatweel
        ("he doesn’t pay me", "he doesn't pay me"),  # curly apostrophe
        ("б’є мене", "бʼє мене"),
        ("ሕይወቴን", "ህይወቴን"),  # Amharic ሐ/ሀ spellings
        ("ሃሳብ", "ሀሳብ"),
        ("ጾታዊ", "ፆታዊ"),
        ("ሠራተኛ", "ሰራተኛ"),
        ("ዓመጸኒ", "አመጸኒ"),  # Tigrinya ዓ/ኣ/አ
        ("ኣይደልን", "አይደልን"),
        ("ክቐትል", "ክቀትል"),  # Tigrinya ቐ/ቀ
        ("ራሴን፡ማጥፋት", "ራሴን ማጥፋት"),  # Ethiopic word space
    ],
)
def test_matching_folds_keyboard_and_spelling_variants(typed, other):
    assert normalise(typed) == normalise(other)


def test_folding_keeps_distinct_letters_apart():
    assert normalise("ш") != normalise("щ")
    assert normalise("ب") != normalise("پ")
    assert normalise("ሰ") != normalise("ሸ")
    assert normalise("ከ") != normalise("ቀ")


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
